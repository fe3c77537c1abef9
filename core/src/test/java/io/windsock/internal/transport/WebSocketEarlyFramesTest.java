package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.WindsockOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its namespace CONNECT as soon as the 101 arrives, before it has read OPEN, is
 * answered: the connection keeps reading through the handshake, and a frame that comes before the
 * transport is attached is held and delivered once it is. Real server, two event loops, a raw socket.
 */
class WebSocketEarlyFramesTest {
    private static final String UPGRADE = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private Windsock server;

    @BeforeEach
    void start() {
        start(false);
    }

    private void start(boolean perMessageDeflate) {
        server = Windsock.builder().options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2)
                        .perMessageDeflate(perMessageDeflate).build())
                .build();
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aConnectSentInTheSameWriteAsTheUpgradeRequestIsAnswered() throws IOException {
        assertUpgradeAndConnectInOneWrite();
    }

    @Test
    void soItIsWhenCompressionCouldBeNegotiated() throws IOException {
        server.stop();
        start(true); // the transport then reads frames after Netty's decoder, not as the decoder
        assertUpgradeAndConnectInOneWrite();
    }

    private void assertUpgradeAndConnectInOneWrite() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
            both.write(maskedText("40")); // as Node's ws takes it: the "head" of the new socket
            socket.getOutputStream().write(both.toByteArray());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertConnectsAndEchoes(socket, in);
        }
    }

    @Test
    void aConnectSentAsSoonAsThe101ArrivesIsAnswered() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            // Before reading OPEN: the frame may reach the server while the transport is being attached.
            socket.getOutputStream().write(maskedText("40"));
            assertConnectsAndEchoes(socket, in);
        }
    }

    /** OPEN, the CONNECT's answer, then acks of events sent after it (as a client sends them), in order. */
    private static void assertConnectsAndEchoes(Socket socket, DataInputStream in) throws IOException {
        assertTrue(readText(in).startsWith("0{"), "OPEN first");
        assertTrue(readText(in).startsWith("40{"), "then the namespace CONNECT");
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        int count = 20;
        for (int i = 0; i < count; i++) {
            events.write(maskedText("42" + i + "[\"echo\"," + i + "]"));
        }
        socket.getOutputStream().write(events.toByteArray());
        List<String> acks = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(readText(in));
            expected.add("43" + i + "[" + i + "]");
        }
        assertEquals(expected, acks);
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /** The next server frame, which must be an unfragmented text frame under 64 KiB. */
    private static String readText(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        assertEquals(0x81, first, "a final text frame");
        int length = in.readUnsignedByte();
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        assertTrue(length < 126 * 512, "length " + length);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
