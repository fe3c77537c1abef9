package io.windsock.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The per-generation packets of the raw client, against literal wire fixtures. */
class ClientProtocolTest {
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void engineIoEventsAndUpgrades() {
        ClientProtocol v4 = ClientProtocol.of("v4", "127.0.0.1", 8001, "/socket.io/");
        ClientProtocol v3 = ClientProtocol.of("v3", "127.0.0.1", 8001, "/socket.io");
        assertEquals("42", text(v4.eventPrefix()));
        assertEquals("42", text(v3.eventPrefix()));
        assertEquals("[\"echo\",\"xxx\"]", text(v4.eventBody("echo", "xxx")));
        assertEquals("[\"bcast\",\"bench\",\"T12|x\"]", text(v3.eventBody("bcast", "bench", "T12|x")));
        assertEquals("[\"ping\"]", text(v4.eventBody("ping")));
        assertEquals("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:8001\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", text(v4.firstRequest()));
        assertEquals("GET /socket.io/?EIO=3&transport=websocket HTTP/1.1", text(v3.firstRequest()).lines().findFirst().get());
    }

    @Test
    void msgpackEventsAsNotepackWritesThem() {
        ClientProtocol v4m = ClientProtocol.of("v4m", "127.0.0.1", 8001, "/socket.io/");
        byte[] body = v4m.eventBody("echo", "xxx");
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (long id : new long[] {3, 200, 70_000}) {
            ByteBuf out = Unpooled.buffer();
            v4m.writeEvent(out, id, body);
            assertEquals(v4m.eventLength(id, body), out.readableBytes());
            byte[] written = new byte[out.readableBytes()];
            out.readBytes(written);
            String expected = switch ((int) id) { // socket.io-msgpack-parser 3.0.2 (notepack.io 2.2)
                case 3 -> "84a47479706502a46461746192a46563686fa3787878a2696403a36e7370a12f";
                case 200 -> "84a47479706502a46461746192a46563686fa3787878a26964ccc8a36e7370a12f";
                default -> "84a47479706502a46461746192a46563686fa3787878a26964ce00011170a36e7370a12f";
            };
            assertEquals(expected, hex.formatHex(written));
        }
    }

    @Test
    void pingIntervalOfAnEngineIoV3Open() {
        // As Windsock and the Node server (allowEIO3) write it for EIO=3 over WebSocket.
        assertEquals(25000, EngineIoProtocol.pingIntervalMillis(
                "{\"sid\":\"hQ1lyvBMZ1Pl-bGLAAAA\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}"));
        assertEquals(300, EngineIoProtocol.pingIntervalMillis("{\"pingInterval\": 300}"));
        assertEquals(-1, EngineIoProtocol.pingIntervalMillis("{\"sid\":\"a\",\"pingTimeout\":20000}"));
        assertEquals(-1, EngineIoProtocol.pingIntervalMillis("{\"pingInterval\":\"25000\"}"));
    }

    @Test
    void protocol1HandshakeAndUpgrade() {
        ClientProtocol v09 = ClientProtocol.of("v09", "127.0.0.1", 8001, "/socket.io/");
        String first = text(v09.firstRequest());
        assertEquals(true, first.startsWith("GET /socket.io/1/?t="), first);
        assertEquals(true, first.endsWith(" HTTP/1.1\r\nHost: 127.0.0.1:8001\r\n\r\n"), first);
        assertEquals("4d2b5e1f0a9c8b7e6d5c4b3a29181706", Sio1Protocol.sessionId(
                "4d2b5e1f0a9c8b7e6d5c4b3a29181706:17:25:websocket,xhr-polling,htmlfile"));
        assertEquals("GET /socket.io/1/websocket/4d2b5e1f HTTP/1.1", text(v09.upgradeAfterHandshake(
                "4d2b5e1f:17:25:websocket,xhr-polling")).lines().findFirst().get());
        assertNull(Sio1Protocol.sessionId("Unauthorized"));
        assertNull(Sio1Protocol.sessionId("a/b:17:25:websocket"));
        assertNull(Sio1Protocol.sessionId(":17:25:websocket"));
        assertThrows(IllegalArgumentException.class, () -> v09.upgradeAfterHandshake("Unknown session"));
    }

    @Test
    void protocol1EventsAndAcks() {
        ClientProtocol v09 = ClientProtocol.of("v09", "127.0.0.1", 8001, "/socket.io/");
        // 5:<id>+::{...} once the client wrote the prefix and the id.
        assertEquals("5:", text(v09.eventPrefix()));
        assertEquals("+::{\"name\":\"echo\",\"args\":[\"xxx\"]}", text(v09.eventBody("echo", "xxx")));
        assertEquals("+::{\"name\":\"join\",\"args\":[]}", text(v09.eventBody("join")));
        String ack = "6:::17+[\"xxx\"]";
        assertEquals(17, Sio1Protocol.ackId(buf(ack), 0, ack.length()));
        String noData = "6:::4";
        assertEquals(4, Sio1Protocol.ackId(buf(noData), 0, noData.length()));
        String onEndpoint = "6::/chat:23+[]";
        assertEquals(23, Sio1Protocol.ackId(buf(onEndpoint), 0, onEndpoint.length()));
        String cut = "6::";
        assertEquals(-1, Sio1Protocol.ackId(buf(cut), 0, cut.length()));
        // A packet inside a larger buffer: only [from, end) is read.
        String framed = "..6:::905+[\"x\"]";
        assertEquals(905, Sio1Protocol.ackId(buf(framed), 2, framed.length()));
    }

    @Test
    void contentLengthOfAnHttpHead() {
        assertEquals(71, RawClient.contentLength("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=UTF-8\r\n"
                + "content-length: 71\r\nconnection: keep-alive"));
        assertEquals(5, RawClient.contentLength("HTTP/1.1 200 OK\r\nContent-Length:5"));
        assertEquals(-1, RawClient.contentLength("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"));
        assertEquals(-1, RawClient.contentLength("HTTP/1.1 200 OK\r\nContent-Length: x"));
    }

    @Test
    void unknownGeneration() {
        assertThrows(IllegalArgumentException.class, () -> ClientProtocol.of("v5", "h", 1, "/socket.io/"));
    }
}
