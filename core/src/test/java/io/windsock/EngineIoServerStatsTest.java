package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineIoServer#stats()}: the record {@link Windsock#stats()} returns, counting sessions, their
 * messages and the sends dropped after a close. Before, the raw server had no public statistics, and
 * the ones it kept (for its tests) counted neither sessions nor messages. Real network threads (two
 * event loops, a WebSocket and a polling client) and the default handler pool.
 */
class EngineIoServerStatsTest {
    private static final String PATH = "/engine.io/";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();
    private EngineIoServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
    }

    /** Echoes every message; a session's onClose sends once more, too late. */
    private void start() {
        server = new EngineIoServer(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2).path(PATH).build(),
                new EngineIoServer.Listener() {
                    @Override
                    public void onOpen(EngineIoServer.Connection connection) {
                    }

                    @Override
                    public void onMessage(EngineIoServer.Connection connection, String text) {
                        connection.send(text);
                    }

                    @Override
                    public void onBinary(EngineIoServer.Connection connection, byte[] data) {
                        connection.send(data);
                    }

                    @Override
                    public void onClose(EngineIoServer.Connection connection, String reason) {
                        connection.send("too late");
                    }
                });
    }

    @Test
    void countsSessionsMessagesAndSendsAfterTheClose() throws Exception {
        start();
        assertEquals(new ServerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), server.stats(), "before start");
        server.start();

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=websocket"),
                        new Collector(received)).get(10, TimeUnit.SECONDS);
        assertTrue(received.poll(10, TimeUnit.SECONDS).startsWith("0{"));
        String sid = pollingHandshake(); // on the other event loop
        Await.until(() -> server.stats().engineSessions() == 2, WAIT, () -> "two sessions: " + server.stats());

        for (int i = 0; i < 3; i++) {
            ws.sendText("4m" + i, true).get(10, TimeUnit.SECONDS);
            assertEquals("4m" + i, received.poll(10, TimeUnit.SECONDS));
        }
        assertEquals(200, send(HttpRequest.newBuilder(poll(sid)).POST(HttpRequest.BodyPublishers.ofString("4p")))
                .statusCode());
        assertEquals("4p", send(HttpRequest.newBuilder(poll(sid))).body());

        // Rates count whole seconds only: they show once the current second has passed.
        Await.until(() -> server.stats().packetsReceivedPerSecond() == 0.4 && server.stats().packetsSentPerSecond() == 0.4
                && server.stats().connectionsPerSecond() == 0.2, WAIT, () -> "4 messages each way, 2 sessions in 10 s: "
                + server.stats());
        ServerStats open = server.stats();
        assertEquals(2, open.peakEngineSessions());
        assertEquals(0, open.sockets(), "no sockets on the raw server");
        assertEquals(0, open.peakSockets());
        assertEquals(0, open.droppedAfterClose());

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        Await.until(() -> server.stats().engineSessions() == 1 && server.stats().droppedAfterClose() == 1, WAIT,
                () -> "one session left, the send from onClose dropped: " + server.stats());

        server.stop();
        ServerStats stopped = server.stats();
        assertEquals(0, stopped.engineSessions(), stopped.toString());
        assertEquals(2, stopped.peakEngineSessions());
        assertEquals(2, stopped.droppedAfterClose(), "the polling session's onClose sent too: " + stopped);
        assertEquals(0, stopped.queuedEvents());
    }

    private String pollingHandshake() throws Exception {
        HttpResponse<String> open = send(HttpRequest.newBuilder(URI.create(base())));
        assertEquals(200, open.statusCode(), open.body());
        String body = open.body();
        int start = body.indexOf("\"sid\":\"") + 7;
        return body.substring(start, body.indexOf('"', start));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI poll(String sid) {
        return URI.create(base() + "&sid=" + sid);
    }

    private String base() {
        return "http://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=polling";
    }

    /** Collects whole text messages. */
    private record Collector(BlockingQueue<String> received) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
        }
    }
}
