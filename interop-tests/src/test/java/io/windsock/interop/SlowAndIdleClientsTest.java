package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.server.DisconnectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that stop reading, and connections that never say anything, do not hold the server's memory. */
class SlowAndIdleClientsTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void aWebSocketClientThatStopsReadingIsDropped() throws Exception {
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        Windsock server = interop.server(o -> o.engine(EngineOptions.builder()
                .maxPendingOutboundBytes(64 * 1024).build()));
        String chunk = "x".repeat(10_000);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        server.of("/").onConnection(socket -> {
            if (!first.getAndSet(false)) {
                return;  // only the raw client below is flooded
            }
            socket.onDisconnect(reasons::put);
            // 30 MB, far more than the kernel's socket buffers hold for a client that does not read.
            for (int i = 0; i < 3_000 && socket.isConnected(); i++) {
                socket.emit("flood", chunk);
            }
        });

        try (Socket raw = new Socket()) {
            raw.setReceiveBufferSize(4096);
            raw.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = raw.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(raw.getInputStream()).startsWith("HTTP/1.1 101"));
            out.write(maskedTextFrame("40"));  // join the main namespace, then never read again
            out.flush();

            assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take(Duration.ofSeconds(20)));
        }
        assertServesANewClient(server);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterAPingPeriod() throws Exception {
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(Duration.ofMillis(300), Duration.ofMillis(200))));
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout(10_000);  // the idle period is 1.5 s here: ping interval + timeout + 1 s
            try {
                assertEquals(-1, raw.getInputStream().read(), "the server closes the connection");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("an idle connection stayed open for 10 s", e);
            }
        }
        assertServesANewClient(server);
    }

    private void assertServesANewClient(Windsock server) throws Exception {
        Mailbox<String> connected = interop.mailbox("connections");
        server.of("/").onConnection(socket -> connected.put(socket.id()));
        var socket = interop.client()
                .connect(interop.url(server, "/"), java.util.Map.of("transports", java.util.List.of("websocket")));
        assertEquals(connected.take(), socket.expectConnect(), "the server and the client agree on the socket id");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
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
