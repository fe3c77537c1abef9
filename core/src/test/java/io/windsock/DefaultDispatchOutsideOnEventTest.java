package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code super.onEvent(...)}, the default dispatch, from an {@code onEvent} override: within the call
 * it dispatches; from a task that runs after the call returned, it throws an IllegalStateException
 * every time, rather than reading the state of whatever event the socket's executor handles then
 * (none, or a later one and its ack). Handlers on the default pool, two network threads, a real
 * WebSocket client.
 */
class DefaultDispatchOutsideOnEventTest {
    private static final int ROUNDS = 20;

    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    public static class Deferring extends SocketConnection {
        private final ExecutorService elsewhere;
        private CompletableFuture<Void> go = new CompletableFuture<>();

        Deferring(ExecutorService elsewhere) {
            this.elsewhere = elsewhere;
        }

        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
            switch (name) {
                case "later" -> {
                    // Released by "go", which the socket's executor runs only after this call returned.
                    return go.thenApplyAsync(v -> defaultDispatch("add", List.of(1, 2)), elsewhere);
                }
                case "go" -> {
                    CompletableFuture<Void> released = go;
                    go = new CompletableFuture<>();
                    released.complete(null);
                    return "went";
                }
                case "inline" -> {
                    // A stage completed already runs its function here, within the call: allowed.
                    return CompletableFuture.completedFuture(null).thenApply(v -> defaultDispatch("add", List.of(3, 4)));
                }
                default -> {
                    return super.onEvent(name, args, kwargs);
                }
            }
        }

        private Object defaultDispatch(String name, List<Object> args) {
            try {
                return super.onEvent(name, args, Map.of());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }

        @Event
        public int add(int a, int b) {
            return a + b;
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        elsewhere.shutdownNow();
    }

    private V4TestClient connect(BlockingQueue<String> packets) throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .errorHandler((socket, event, error) -> errors.add(error)).build())
                .connections("/", () -> new Deferring(elsewhere))
                .build().start();
        return V4TestClient.connect(http, server.port(), packets::add);
    }

    private static String next(BlockingQueue<String> packets) throws InterruptedException {
        String packet = packets.poll(10, TimeUnit.SECONDS);
        assertTrue(packet != null, "no packet within 10 s");
        return packet;
    }

    @Test
    void aDefaultDispatchAfterOnEventReturnedThrowsEveryTime() throws Exception {
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient client = connect(packets);
        for (int i = 0; i < ROUNDS; i++) {
            client.send("421[\"later\"]");
            client.send("422[\"go\"]");
            // The two acks, in either order: the late task races the socket's executor, which runs "go".
            List<String> acks = List.of(next(packets), next(packets));
            assertTrue(acks.contains("432[\"went\"]"), "round " + i + ": " + acks);
            assertTrue(acks.contains("431[{\"error\":\"internal_error\",\"message\":\"internal error\"}]"),
                    "round " + i + ": " + acks);
            Throwable error = errors.poll(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, error, "round " + i);
            assertTrue(error.getMessage().contains("super.onEvent(\"add\", ...) called outside the onEvent call"),
                    error.getMessage());
        }
        assertEquals(List.of(), List.copyOf(errors));
    }

    @Test
    void aDefaultDispatchWithinOnEventDispatches() throws Exception {
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient client = connect(packets);
        client.send("421[\"add\",5,6]");
        assertEquals("431[11]", next(packets));
        client.send("422[\"inline\"]");
        assertEquals("432[7]", next(packets));
        assertEquals(List.of(), List.copyOf(errors));
    }
}
