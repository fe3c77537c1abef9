package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.windsock.Windsock;
import io.windsock.server.ServerStats;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Socket.IO 0.9 session counts in {@code Windsock.stats()} as a connection, and each endpoint it
 * joins as a socket, like an Engine.IO session and its namespaces; both go back to zero when it closes.
 */
class Sio1StatsTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private Windsock server;

    @Test
    void aProtocol1SessionAndItsEndpointsCountAsConnectionAndSockets() throws Exception {
        server = servers.start(app -> app
                .namespace("/", ns -> { })
                .namespace("/chat", ns -> { }));
        assertEquals(0, server.stats().engineSessions());

        String sid = RawSio1WebSocket.handshake(servers.http(), server.port());
        // The handshake connects "/" before it answers (a refusal there is a 401).
        awaitStats(s -> s.engineSessions() == 1 && s.sockets() == 1, "the session and its socket on /");

        RawSio1WebSocket ws = RawSio1WebSocket.open(servers.http(), server.port(), sid);
        assertEquals("1::", ws.next());
        ws.send("1::/chat");
        assertEquals("1::/chat", ws.next());
        ServerStats open = server.stats();
        assertEquals(1, open.engineSessions());
        assertEquals(1, open.peakEngineSessions());
        assertEquals(2, open.sockets(), "/ and /chat");
        assertEquals(2, open.peakSockets());

        ws.send("0::"); // the client's goodbye closes the session
        ServerStats closed = awaitStats(s -> s.engineSessions() == 0 && s.sockets() == 0, "nothing open");
        assertEquals(1, closed.peakEngineSessions());
        assertEquals(2, closed.peakSockets());
        ws.close();
    }

    private ServerStats awaitStats(Predicate<ServerStats> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ServerStats s = server.stats();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + ": " + s);
            }
            Thread.sleep(10); // the counters have no listener to wait on; poll them until the deadline
            s = server.stats();
        }
        assertTrue(condition.test(s));
        return s;
    }
}
