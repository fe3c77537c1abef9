package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.Rejection;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A connection is closed when none of its sockets has connected within connectTimeout, as Node's
 * client, which counts a namespace only once its middlewares have passed: a socket still joining
 * does not keep the connection open, nor does one refused after the timeout.
 */
class ConnectTimeoutTest {
    private static final long TIMEOUT_MS = 5_000;
    private static final WindsockOptions OPTIONS =
            WindsockOptions.builder().connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();

    /** The sockets' executors: their tasks (middlewares included) run only when the test runs them. */
    private final ArrayDeque<Runnable> handlers = new ArrayDeque<>();
    private final SocketLayer layer = new SocketLayer(OPTIONS, handlers::add);

    @Test
    void aMiddlewareStillRunningAtTheTimeoutDoesNotKeepTheConnection() {
        layer.server.of("/").use(socket -> { });
        SocketLayer.TestClient client = layer.connect("/", null);
        layer.scheduler.advance(TIMEOUT_MS - 1);
        assertFalse(client.transport.closed);

        layer.scheduler.advance(1);
        assertTrue(client.transport.closed, "closed at the timeout although a socket was joining");
        runAll();
        assertTrue(client.take().isEmpty(), "no CONNECT reply once the connection is closed");
        assertTrue(layer.server.of("/").sockets().isEmpty());
    }

    @Test
    void aRefusalAfterTheTimeoutLeavesNoConnectionOpen() {
        layer.server.of("/").use(socket -> {
            throw new Rejection("not now");
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        layer.scheduler.advance(TIMEOUT_MS);
        runAll(); // the middleware answers late, and refuses
        assertTrue(client.transport.closed, "a connection with no namespace stays open no longer than the timeout");
    }

    @Test
    void aRefusalBeforeTheTimeoutStillClosesAtTheTimeout() {
        layer.server.of("/").use(socket -> {
            throw new Rejection("not now");
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        runAll();
        List<String> refused = client.take();
        assertEquals(1, refused.size(), refused::toString);
        assertTrue(refused.get(0).startsWith("4"), refused.get(0));
        layer.scheduler.advance(TIMEOUT_MS - 1);
        assertFalse(client.transport.closed, "the client may try another namespace until the timeout");
        layer.scheduler.advance(1);
        assertTrue(client.transport.closed);
    }

    @Test
    void aSocketConnectedInTimeKeepsTheConnectionAfterARefusal() {
        layer.server.of("/private").use(socket -> {
            throw new Rejection("not now");
        });
        layer.server.of("/public");
        SocketLayer.TestClient client = layer.connect("/private", null);
        client.send("0/public,");
        runAll();
        List<String> replies = client.take();
        assertEquals(2, replies.size(), replies::toString);
        layer.scheduler.advance(TIMEOUT_MS * 3);
        assertFalse(client.transport.closed);
        assertEquals(1, layer.server.of("/public").sockets().size());
    }

    @Test
    void anAdapterThatNeverGetsReadyDoesNotKeepTheConnection() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        SocketLayer waiting = SocketLayer.withAdapters(OPTIONS, namespace -> new InMemoryAdapter(namespace) {
            @Override
            public CompletionStage<Void> ready() {
                return never;
            }
        });
        SocketLayer.TestClient client = waiting.connect("/", null);
        waiting.scheduler.advance(TIMEOUT_MS);
        assertTrue(client.transport.closed);
        never.complete(null);
        assertTrue(client.take().isEmpty(), "no CONNECT reply once the connection is closed");
        assertTrue(waiting.server.of("/").sockets().isEmpty());
    }

    private void runAll() {
        Runnable task;
        while ((task = handlers.poll()) != null) {
            task.run();
        }
    }
}
