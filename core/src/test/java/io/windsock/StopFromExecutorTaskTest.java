package io.windsock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code stop()} called from a task the server runs on the application's handler executor outside any
 * socket's turn (an ack's completion, the error hook): on a one-thread executor, waiting there would
 * wait for the sockets' closing tasks queued behind itself, until the shutdown timeout. It starts the
 * stop on a thread of its own instead, as from a handler. Real network and executor threads.
 */
class StopFromExecutorTaskTest {
    /** Long, so that a stop waiting for itself shows: the disconnect listeners would run only past it. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern EMIT_WITH_ACK = Pattern.compile("^42(\\d+)\\[\"question\"");

    @Test
    void stopFromAnAcksCompletion() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        AtomicReference<Windsock> server = new AtomicReference<>();
        CountDownLatch disconnected = new CountDownLatch(1);
        server.set(server(executor, null));
        server.get().of("/").onConnection(socket -> {
            socket.onDisconnect(reason -> disconnected.countDown());
            // Completes on the executor's thread, outside the socket's turn.
            socket.emitWithAck(Duration.ofSeconds(10), "question").thenAccept(answer -> server.get().stop());
        });
        server.get().start();
        try {
            // The question may come before connect() returns: the answer waits for the client.
            CompletableFuture<V4TestClient> client = new CompletableFuture<>();
            CountDownLatch asked = new CountDownLatch(1);
            client.complete(V4TestClient.connect(HttpClient.newHttpClient(), server.get().port(), packet -> {
                Matcher m = EMIT_WITH_ACK.matcher(packet);
                if (m.find()) {
                    try {
                        client.join().send("43" + m.group(1) + "[\"yes\"]");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    asked.countDown();
                }
            }));
            assertTrue(asked.await(10, TimeUnit.SECONDS));
            assertTrue(disconnected.await(10, TimeUnit.SECONDS),
                    "the socket closes at once, not after the stop waited for itself");
        } finally {
            server.get().stop();
            executor.shutdownNow();
        }
    }

    @Test
    void stopFromTheErrorHook() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        AtomicReference<Windsock> server = new AtomicReference<>();
        CountDownLatch disconnected = new CountDownLatch(2);
        // A protocol error is reported on the handler executor, outside any socket's turn.
        server.set(server(executor, (socket, event, error) -> server.get().stop()));
        server.get().of("/").onConnection(socket -> socket.onDisconnect(reason -> disconnected.countDown()));
        server.get().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            V4TestClient.connect(http, server.get().port());
            V4TestClient.connect(http, server.get().port()).send("42/not-joined,[\"x\"]"); // an invalid state
            assertTrue(disconnected.await(10, TimeUnit.SECONDS),
                    "both sockets close at once, not after the stop waited for itself");
        } finally {
            server.get().stop();
            executor.shutdownNow();
        }
    }

    private static Windsock server(ExecutorService executor, io.windsock.server.ErrorHandler errors) {
        WindsockOptions.Builder options = WindsockOptions.builder().port(0).ioThreads(2)
                .handlerExecutor(executor).shutdownTimeout(SHUTDOWN_TIMEOUT);
        if (errors != null) {
            options.errorHandler(errors);
        }
        return Windsock.builder().options(options.build()).build();
    }
}
