package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.WsClient;
import io.windsock.server.DisconnectReason;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A text frame that is not UTF-8 closes the WebSocket with 1007, as in Node, and never reaches the
 * application with replacement characters; the next client is served as usual.
 */
class InvalidUtf8Test {
    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";

    @RegisterExtension
    final Interop interop = new Interop();

    /** A bare WebSocket client that can send any bytes in a text frame. */
    private static final class RawWebSocket implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        RawWebSocket(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) Mailbox.DEFAULT_TIMEOUT.toMillis());
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("GET " + WEBSOCKET + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String header : RawHttp.WEBSOCKET_UPGRADE) {
                request.append(header).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed during the handshake");
                }
                head.write(c);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        /** Sends one masked frame: FIN set, this opcode, these payload bytes (under 126). */
        void send(int opcode, byte[] payload) throws IOException {
            byte[] mask = {0x11, 0x22, 0x33, 0x44};
            byte[] frame = new byte[6 + payload.length];
            frame[0] = (byte) (0x80 | opcode);
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            out.write(frame);
            out.flush();
        }

        /** @return the next frame from the server: opcode, then payload (unmasked, under 64 KB). */
        Object[] read() throws IOException {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Object[] {first & 0x0f, payload};
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() == -1;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        Mailbox<Object> received = new Mailbox<>("events");
        Mailbox<DisconnectReason> disconnects = new Mailbox<>("disconnects");
        server.of("/").onConnection(socket -> {
            socket.onAny((event, args, ack) -> received.put(args));
            socket.onDisconnect(disconnects::put);
        });
        byte[] prefix = "42[\"ev\",\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"]".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> invalid = List.of(
                new byte[] {(byte) 0xff},                          // never valid
                new byte[] {(byte) 0xc3},                          // truncated sequence
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate (CESU-8)
                new byte[] {(byte) 0xc0, (byte) 0xaf});            // overlong '/'
        for (byte[] bad : invalid) {
            try (RawWebSocket ws = new RawWebSocket(server.port())) {
                Object[] open = ws.read();
                assertEquals(1, open[0]);
                ws.send(1, "40".getBytes(StandardCharsets.US_ASCII));
                assertTrue(new String((byte[]) ws.read()[1], StandardCharsets.UTF_8).startsWith("40{\"sid\""));

                byte[] frame = new byte[prefix.length + bad.length + suffix.length];
                System.arraycopy(prefix, 0, frame, 0, prefix.length);
                System.arraycopy(bad, 0, frame, prefix.length, bad.length);
                System.arraycopy(suffix, 0, frame, prefix.length + bad.length, suffix.length);
                ws.send(1, frame);

                Object[] close = ws.read();
                assertEquals(8, close[0], "a close frame");
                byte[] payload = (byte[]) close[1];
                assertEquals(1007, (payload[0] & 0xff) << 8 | payload[1] & 0xff);
                assertTrue(ws.closedByServer());
            }
            assertEquals(DisconnectReason.TRANSPORT_ERROR, disconnects.take());
        }
        received.assertEmpty();

        // Valid UTF-8, four-byte sequences included, still goes through; so does the next client.
        try (WsClient ws = WsClient.open(server.port(), WEBSOCKET)) {
            ws.texts().take();
            ws.sendText("40");
            assertTrue(ws.texts().take().startsWith("40{\"sid\""));
            ws.sendText("42[\"ev\",\"h\u00e9 \ud83d\ude00\"]");
            assertEquals(List.of("h\u00e9 \ud83d\ude00"), received.take());
        }
    }
}
