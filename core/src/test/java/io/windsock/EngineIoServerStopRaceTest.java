package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handshake that races {@link EngineIoServer#stop(Duration)}: its session is either counted before
 * the stop waits for the sessions' {@code onClose}, or refused without reaching the listener. Before,
 * it was counted on the network thread whenever its handshake ended, so one ending after the stop had
 * seen no session left got its {@code onOpen}, and its {@code onClose} ran after the stop had returned
 * (or, past the timeout, on a handler executor already ended).
 *
 * <p>Deterministic: the test holds the handshake's network thread just before the session is counted,
 * until the stop has passed its wait and is ending the network threads. Real threads: two event loops
 * and an application's handler pool of two threads, whose onClose is only over after the stop returns
 * unless the stop waited for it.
 */
class EngineIoServerStopRaceTest {
    private static final String PATH = "/engine.io/";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseOnClose = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newFixedThreadPool(2);
    private EngineIoServer server;

    @AfterEach
    void tearDown() {
        releaseOnClose.countDown();
        if (server != null) {
            server.stop();
        }
        handlers.shutdownNow();
    }

    @Test
    void aHandshakeEndingAfterTheStopsWaitNeverReachesTheListener() throws Exception {
        server = new EngineIoServer(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2).path(PATH)
                .handlerExecutor(handlers).shutdownTimeout(WAIT).build(), new EngineIoServer.Listener() {
            @Override
            public void onOpen(EngineIoServer.Connection connection) {
                calls.add("open");
            }

            @Override
            public void onMessage(EngineIoServer.Connection connection, String text) {
            }

            @Override
            public void onBinary(EngineIoServer.Connection connection, byte[] data) {
            }

            @Override
            public void onClose(EngineIoServer.Connection connection, String reason) {
                try {
                    releaseOnClose.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                calls.add("closed: " + reason);
            }
        });
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        server.beforeSessionCounted = () -> {
            if (first.getAndSet(false)) {
                held.countDown();
                // The stop shuts the event loops down only once its wait for the sessions has returned.
                EventExecutor loop = ThreadExecutorMap.currentExecutor();
                Await.until(loop::isShuttingDown, WAIT, () -> "the stop never ended the network threads");
            }
        };
        server.start();

        CompletableFuture<HttpResponse<String>> handshake = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=polling")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the handshake never reached the server");

        server.stop();
        List<String> atStop = List.copyOf(calls);
        releaseOnClose.countDown();
        handlers.shutdown();
        assertTrue(handlers.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        // Every onOpen the listener got had its onClose return before the stop did.
        assertEquals(calls, atStop, "listener calls after the stop returned");
        // Refused rather than counted: the stop may have waited already.
        assertEquals(List.of(), calls);
        // The client got an answer (its session's OPEN) or lost the connection: it is not left waiting.
        handshake.handle((r, e) -> null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
