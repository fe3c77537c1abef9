package io.windsock;

import io.windsock.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Inbound flow control counts a connection's events over all its namespaces: with handlers blocked on
 * the real pool (two network threads), events spread over two namespaces, each under the high-water
 * mark alone, pause the connection together; once the handlers go on, every event is handled, reading
 * resumes and nothing stays counted. Their handlers complete on different pool threads at once.
 */
class ConnectionWideInboundQueueTest {
    private static final int MAX_QUEUED = 64; // high-water mark 16
    private static final int PER_NAMESPACE = 12;
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    @Test
    void eventsOfSeveralNamespacesPauseTheConnectionTogether() throws Exception {
        AtomicReference<CountDownLatch> release = new AtomicReference<>();
        AtomicInteger handled = new AtomicInteger();
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).maxQueuedEvents(MAX_QUEUED).build())
                .namespace("/a", ns -> ns.onConnection(s -> s.on("e", (args, ack) -> block(release, handled))))
                .namespace("/b", ns -> ns.onConnection(s -> s.on("e", (args, ack) -> block(release, handled))))
                .build().start();
        try {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                            new Collector(received)).get(10, TimeUnit.SECONDS);
            assertTrue(received.poll(10, TimeUnit.SECONDS).startsWith("0{"));
            ws.sendText("40/a,", true).get(10, TimeUnit.SECONDS);
            ws.sendText("40/b,", true).get(10, TimeUnit.SECONDS);
            for (int joined = 0; joined < 2; ) {
                String packet = received.poll(10, TimeUnit.SECONDS);
                if (packet != null && (packet.startsWith("40/a,{") || packet.startsWith("40/b,{"))) {
                    joined++;
                }
            }
            for (int round = 0; round < 5; round++) {
                release.set(new CountDownLatch(1));
                handled.set(0);
                for (int i = 0; i < PER_NAMESPACE; i++) {
                    ws.sendText("42/a,[\"e\"," + i + "]", true).get(10, TimeUnit.SECONDS);
                    ws.sendText("42/b,[\"e\"," + i + "]", true).get(10, TimeUnit.SECONDS);
                }
                Await.until(() -> server.stats().pausedConnections() == 1, WAIT,
                        () -> "paused: the two namespaces' events together pass the mark");
                release.get().countDown();
                Await.until(() -> handled.get() == 2 * PER_NAMESPACE, WAIT, () -> "every event handled");
                Await.until(() -> server.stats().pausedConnections() == 0 && server.stats().queuedEvents() == 0,
                        WAIT, () -> "reading resumed, nothing left counted");
            }
            assertEquals(2, server.stats().sockets());
            ws.abort();
        } finally {
            server.stop();
        }
    }

    private static void block(AtomicReference<CountDownLatch> release, AtomicInteger handled) {
        try {
            assertTrue(release.get().await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handled.incrementAndGet();
    }

    /** Collects whole text messages; answers pings. */
    private record Collector(BlockingQueue<String> received) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String text = data.toString();
            if (text.equals("2")) {
                ws.sendText("3", true);
            } else {
                received.add(text);
            }
            ws.request(1);
            return null;
        }
    }
}
