package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.carrier.EncodedBroadcast;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Protocol 1 as the socket layer's dialect: what reaches the sockets, and the CONNECT shapes. */
class SocketDialectP1Test {
    private final SocketDialectP1 dialect = new SocketDialectP1(new JacksonJsonCodec());

    @Test
    void clientPacketsBecomeSocketPackets() throws Exception {
        SocketDialect.Decoder decoder = dialect.newDecoder();
        assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/chat", SocketPacket.NO_ID, null), decoder.text("1::/chat"));
        assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/chat", SocketPacket.NO_ID, null), decoder.text("0::/chat"));
        assertEquals(SocketPacket.event("/chat", List.of("a", 1), 2), decoder.text("5:2+:/chat:{\"name\":\"a\",\"args\":[1]}"));
        assertNull(decoder.text("1::"), "the main endpoint is connected at the handshake");
        assertNull(decoder.text("2::"));
        assertNull(decoder.text("8::"));
        assertNull(decoder.text("7:::0"));
        SocketDecodeException bad = assertThrows(SocketDecodeException.class, () -> decoder.text("5:::{]"));
        assertEquals(SocketDecodeException.Reason.INVALID_PAYLOAD, bad.reason());
        assertThrows(SocketDecodeException.class, () -> decoder.binary(new byte[1]));
    }

    @Test
    void anEndpointQueryIsTheAuth() throws Exception {
        SocketPacket connect = dialect.newDecoder().text("1::/chat?token=a%20b&x");
        assertEquals("/chat", connect.namespace());
        assertEquals(Map.of("token", "a b", "x", ""), dialect.connectAuth(connect));
        assertEquals(Map.of(), dialect.connectAuth(dialect.newDecoder().text("1::/chat")));
        assertEquals(Map.of("a", "%zz", "b", "c d"), dialect.connectAuth(dialect.newDecoder().text("1::/chat?a=%zz&b=c%20d")),
                "a malformed escape keeps its component as sent");
    }

    @Test
    void connectShapes() {
        assertTrue(dialect.connectsMainImplicitly());
        assertNull(dialect.connectReply("sid", "pid"));
        assertEquals("1::/chat", dialect.encode(new SocketPacket(SocketPacketType.CONNECT, "/chat", -1,
                dialect.connectReply("sid", null))).text());
        assertEquals("7::/chat:2", dialect.encode(new SocketPacket(SocketPacketType.CONNECT_ERROR, "/chat", -1,
                dialect.connectError("no", null))).text());
    }

    @Test
    void aBroadcastIsEncodedOnceForEveryProtocol1Recipient() {
        EncodedPacket packet = new EncodedBroadcast(SocketPacket.event("/", List.of("news", "x"), -1), null);
        Sio1Frame first = (Sio1Frame) dialect.frames(packet);
        assertEquals("5:::{\"name\":\"news\",\"args\":[\"x\"]}", first.text());
        assertSame(first, dialect.frames(packet));
        assertEquals(first.text().length(), first.byteSize());
    }
}
