package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.windsock.Windsock;
import io.windsock.server.Protocol1Options;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Socket.IO 0.9 session counts in {@code Windsock.stats()} as a connection, and each endpoint it
 * joins as a socket, like an Engine.IO session and its namespaces; both go back to zero when it closes.
 */
class Sio1StatsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aProtocol1SessionAndItsEndpointsCountAsConnectionAndSockets() throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).protocol1(Protocol1Options.DEFAULT).build())
                .namespace("/", ns -> { })
                .namespace("/chat", ns -> { })
                .build().start();
        assertEquals(0, server.stats().engineSessions());

        String sid = RawSio1WebSocket.handshake(http, server.port());
        // The handshake connects "/" before it answers (a refusal there is a 401).
        awaitStats(s -> s.engineSessions() == 1 && s.sockets() == 1, "the session and its socket on /");

        RawSio1WebSocket ws = RawSio1WebSocket.open(http, server.port(), sid);
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
