package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code Windsock.stats()}: gauges with their peaks, and 10-second moving averages on a hand-moved clock. */
class ServerStatsTest {
    private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder().build(), Runnable::run, nanos::get);

    private ServerStats stats() {
        return layer.server.stats().snapshot();
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void countsSessionsAndSocketsNowAndAtMost() {
        SocketLayer.TestClient a = layer.connect("/", null);
        SocketLayer.TestClient b = layer.connect("/", null);
        layer.server.of("/other");
        b.send("0/other,");
        SocketLayer.TestClient c = layer.open();
        ServerStats s = stats();
        assertEquals(3, s.engineSessions());
        assertEquals(3, s.peakEngineSessions());
        assertEquals(3, s.sockets(), "a on /, b on / and /other");
        assertEquals(3, s.peakSockets());

        b.drop();
        c.drop();
        s = stats();
        assertEquals(1, s.engineSessions());
        assertEquals(3, s.peakEngineSessions());
        assertEquals(1, s.sockets());
        assertEquals(3, s.peakSockets());
        a.drop();
        assertEquals(0, stats().engineSessions());
        assertEquals(0, stats().sockets());
    }

    @Test
    void ratesAreAveragesOverTheLastTenWholeSeconds() {
        SocketLayer.TestClient a = layer.connect("/", null); // 1 session, CONNECT received, CONNECT reply sent
        a.take();
        for (int i = 0; i < 20; i++) {
            a.send("2[\"x\"]");
        }
        layer.server.of("/").emit("news", 1);
        // The current second is not counted yet: it is still filling.
        assertEquals(0.0, stats().packetsReceivedPerSecond());
        advanceSeconds(1);
        ServerStats s = stats();
        assertEquals(0.1, s.connectionsPerSecond(), 1e-9);
        assertEquals(2.1, s.packetsReceivedPerSecond(), 1e-9, "CONNECT and 20 events over 10 s");
        assertEquals(0.2, s.packetsSentPerSecond(), 1e-9, "the CONNECT reply and the broadcast");

        // Ten seconds later the first second has left the window; the events of second 5 remain.
        advanceSeconds(4);
        for (int i = 0; i < 10; i++) {
            a.send("2[\"x\"]");
        }
        advanceSeconds(6);
        s = stats();
        assertEquals(1.0, s.packetsReceivedPerSecond(), 1e-9);
        assertEquals(0.0, s.connectionsPerSecond(), 1e-9);
        advanceSeconds(100);
        assertEquals(0.0, stats().packetsReceivedPerSecond(), 1e-9, "a slot of long ago is not counted");
    }
}
