package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.windsock.Windsock;
import io.windsock.server.Protocol1Options;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>(100);
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

        String handshake = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/socket.io/1/"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String sid = handshake.substring(0, handshake.indexOf(':'));
        // The handshake connects "/" before it answers (a refusal there is a 401).
        awaitStats(s -> s.engineSessions() == 1 && s.sockets() == 1, "the session and its socket on /");

        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + sid), new Collect())
                .get(10, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(10, TimeUnit.SECONDS));
        ws.sendText("1::/chat", true).get(10, TimeUnit.SECONDS);
        assertEquals("1::/chat", frames.poll(10, TimeUnit.SECONDS));
        ServerStats open = server.stats();
        assertEquals(1, open.engineSessions());
        assertEquals(1, open.peakEngineSessions());
        assertEquals(2, open.sockets(), "/ and /chat");
        assertEquals(2, open.peakSockets());

        ws.sendText("0::", true).get(10, TimeUnit.SECONDS); // the client's goodbye closes the session
        ServerStats closed = awaitStats(s -> s.engineSessions() == 0 && s.sockets() == 0, "nothing open");
        assertEquals(1, closed.peakEngineSessions());
        assertEquals(2, closed.peakSockets());
        ws.abort();
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

    private final class Collect implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (!frame.startsWith("2::")) { // heartbeats are not what this test counts
                    frames.offer(frame);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
