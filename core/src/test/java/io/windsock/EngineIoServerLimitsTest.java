package io.windsock;

import io.windsock.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The raw Engine.IO server applies the limits of its options as the Socket.IO server does: a session
 * whose listener is slow stops being read, one that sends past the bound is closed, and handshakes
 * past {@code maxSessions} are refused. Before, every message read was queued for the listener
 * without bound, and the session table had no cap.
 */
class EngineIoServerLimitsTest {
    private static final String PATH = "/engine.io/";
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private EngineIoServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    /** A listener whose first message blocks until the test releases it, on the real handler pool. */
    private void start(UnaryOperator<WindsockOptions.Builder> options) {
        server = new EngineIoServer(options.apply(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2)
                .path(PATH)).build(), new EngineIoServer.Listener() {
            @Override
            public void onOpen(EngineIoServer.Connection connection) {
            }

            @Override
            public void onMessage(EngineIoServer.Connection connection, String text) {
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                messages.add(text);
            }

            @Override
            public void onBinary(EngineIoServer.Connection connection, byte[] data) {
            }

            @Override
            public void onClose(EngineIoServer.Connection connection, String reason) {
                closed.complete(reason + " after " + messages.size());
            }
        }).start();
    }

    @Test
    void aFloodingWebSocketIsNoLongerReadWhileItsListenerIsBlocked() throws Exception {
        long bound = 1 << 20; // reading pauses above 256 KiB queued
        start(o -> o.maxQueuedEventBytes(bound));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=websocket"),
                        new Collector(received)).get(10, TimeUnit.SECONDS);
        assertTrue(received.poll(10, TimeUnit.SECONDS).startsWith("0{"));

        String filler = "x".repeat(16 * 1024);
        long limit = 64L << 20; // far more than the kernel's socket buffers hold
        int sent = 0;
        CompletableFuture<WebSocket> stalled = null;
        while ((long) sent * filler.length() < limit) {
            CompletableFuture<WebSocket> send = ws.sendText("4" + sent + " " + filler, true);
            sent++;
            try {
                send.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (server.stats().pausedConnections() == 1) {
                    stalled = send;
                    break;
                }
                send.get(30, TimeUnit.SECONDS); // a slow moment, not the pause: the server still reads
            }
        }
        assertTrue(stalled != null, "the client sent " + sent + " messages of 16 KiB without ever waiting");
        Await.until(() -> server.stats().pausedConnections() == 1, WAIT, () -> "paused: " + server.stats());
        ServerStats paused = server.stats();
        assertTrue(paused.peakConnectionQueuedBytes() < bound, "held " + paused.peakConnectionQueuedBytes());

        release.countDown();
        stalled.get(10, TimeUnit.SECONDS);
        int all = sent;
        Await.until(() -> messages.size() == all, WAIT, () -> "delivered " + messages.size() + " of " + all);
        assertEquals(IntStream.range(0, all).mapToObj(String::valueOf).collect(Collectors.toList()),
                messages.stream().map(m -> m.substring(0, m.indexOf(' '))).collect(Collectors.toList()));
        Await.until(() -> server.stats().pausedConnections() == 0 && server.stats().queuedEvents() == 0, WAIT,
                () -> "reading resumed, nothing left counted: " + server.stats());
        assertEquals(0, server.stats().queueLimitDisconnects());
        assertFalse(closed.isDone());
        ws.abort();
    }

    @Test
    void aClientThatSendsPastTheBoundIsClosedAfterWhatWasAcceptedIsDelivered() throws Exception {
        // One polling body is delivered whole (maxPacketsPerPayload), so the client passes the bound.
        start(o -> o.maxQueuedEvents(16).engine(io.windsock.engine.EngineOptions.builder()
                .maxPacketsPerPayload(100).build()));
        String sid = handshake();
        String body = IntStream.range(0, 40).mapToObj(i -> "4m" + i).collect(Collectors.joining("\u001e"));
        http.sendAsync(HttpRequest.newBuilder(uri("&sid=" + sid)).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(uri("&sid=" + sid))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("1", poll.body(), "the session closes (CLOSE packet)");
        assertFalse(closed.isDone(), "the messages accepted come first");
        release.countDown();
        assertEquals("forced close after 16", closed.get(10, TimeUnit.SECONDS));
        assertEquals(IntStream.range(0, 16).mapToObj(i -> "m" + i).collect(Collectors.toList()), messages);
        assertEquals(1, server.stats().queueLimitDisconnects());
    }

    @Test
    void handshakesPastMaxSessionsAreRefusedAsTheSocketIoServerRefusesThem() throws Exception {
        start(o -> o.maxSessions(2));
        handshake();
        handshake();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
        assertEquals("{\"code\":4,\"message\":\"Too many sessions\"}", refused.body());
    }

    private String handshake() throws Exception {
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(uri("")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, open.statusCode(), open.body());
        String body = open.body();
        int start = body.indexOf("\"sid\":\"") + 7;
        return body.substring(start, body.indexOf('"', start));
    }

    private URI uri(String query) {
        return URI.create("http://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=polling" + query);
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
