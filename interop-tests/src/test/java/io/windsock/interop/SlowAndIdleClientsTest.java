package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.server.DisconnectReason;
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

        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(101, raw.upgrade("/socket.io/?EIO=4&transport=websocket").status());
            assertTrue(raw.write(RawHttp.maskedTextFrame("40")));  // join the main namespace, then never read again

            assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take(Duration.ofSeconds(20)));
        }
        assertServesANewClient(server);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterAPingPeriod() throws Exception {
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(Duration.ofMillis(300), Duration.ofMillis(200))));
        // The idle period is 1.5 s here (ping interval + timeout + 1 s); RawHttp waits up to 10 s.
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertTrue(raw.closedByServer(), "an idle connection stayed open");
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
}
