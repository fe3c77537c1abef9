package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.EventListener;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handler that runs on its connection's network thread (declared non-blocking, or every handler with
 * {@code handlerExecutor(Runnable::run)}) and waits for its own {@code emitWithAck} breaks its contract:
 * the answer is read by the thread that waits. The wait must still end at the ack's timeout, with a
 * {@link TimeoutException}, and the connection go on; the timeout used to be scheduled on that same
 * thread, so the wait ended only at {@code get}'s own limit, or never, with every connection of that
 * event loop stalled. Two event loops, a real WebSocket client that never answers.
 */
class AckWaitOnTheNetworkThreadTest {
    private static final Duration ACK_TIMEOUT = Duration.ofMillis(300);
    /** The handler's own limit on its wait: what ended it before, far beyond the ack's timeout. */
    private static final long GET_LIMIT_MS = 15_000;
    /** Well under {@link #GET_LIMIT_MS}, with room for a slow machine. */
    private static final long PROMPT_MS = 7_500;
    private static final int ATTEMPTS = 20;

    private record Outcome(String thread, Throwable failure, long millis) {
    }

    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void serve(Namespace ns, boolean everyHandlerOnTheLoop) {
        EventListener ask = (args, ack) -> {
            String thread = Thread.currentThread().getName();
            long start = System.nanoTime();
            Throwable failure = null;
            try {
                ns.socket((String) args.get(0)).orElseThrow().emitWithAck(ACK_TIMEOUT, "q")
                        .get(GET_LIMIT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (Exception e) {
                failure = e; // the handler's own limit: get's TimeoutException, not the ack's
            }
            outcomes.add(new Outcome(thread, failure, (System.nanoTime() - start) / 1_000_000));
        };
        ns.onConnection(socket -> {
            socket.on("ask", everyHandlerOnTheLoop ? ask : EventListener.nonBlocking(ask));
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
    }

    @ParameterizedTest(name = "every handler on the loop: {0}")
    @ValueSource(booleans = {true, false})
    void theAcksTimeoutEndsTheWaitAndTheConnectionGoesOn(boolean everyHandlerOnTheLoop) throws Exception {
        WindsockOptions.Builder options = WindsockOptions.builder().port(0).ioThreads(2);
        if (everyHandlerOnTheLoop) {
            options.handlerExecutor(Runnable::run);
        }
        server = Windsock.builder().options(options.build())
                .namespace("/", ns -> serve(ns, everyHandlerOnTheLoop))
                .build().start();
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port(), packets::add);
        String id = server.of("/").sockets().iterator().next().id();

        // A non-blocking listener runs on the pool while the socket's earlier work (its connection
        // listener) is still there: asked again until it ran on the network thread.
        Outcome outcome = null;
        for (int i = 0; i < ATTEMPTS && (outcome == null || !outcome.thread().startsWith("windsock-io")); i++) {
            client.send("42[\"ask\",\"" + id + "\"]");
            outcome = outcomes.poll(GET_LIMIT_MS + 10_000, TimeUnit.MILLISECONDS);
            assertTrue(outcome != null, "the handler's wait never ended");
        }
        assertTrue(outcome.thread().startsWith("windsock-io"), "never ran on the network thread: " + outcome);
        assertInstanceOf(TimeoutException.class, outcome.failure(), outcome::toString);
        assertTrue(outcome.millis() < PROMPT_MS, "ended by the ack's timeout, not get's limit: " + outcome);

        client.send("421[\"echo\",\"still served\"]");
        String answer;
        do {
            answer = packets.poll(10, TimeUnit.SECONDS);
        } while (answer != null && answer.startsWith("42")); // the questions, never answered
        assertEquals("431[\"still served\"]", answer);
    }

    @Test
    void aTimeoutOfCenturiesFromTheNetworkThreadIsTakenAndTheSocketLeavingEndsIt() throws Exception {
        CompletableFuture<CompletableFuture<List<Object>>> asked = new CompletableFuture<>();
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).handlerExecutor(Runnable::run).build())
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("ask", (args, ack) -> {
                    try {
                        asked.complete(socket.emitWithAck(Duration.ofMillis(Long.MAX_VALUE), "q"));
                    } catch (RuntimeException e) {
                        asked.completeExceptionally(e);
                    }
                })))
                .build().start();
        V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port());
        client.send("42[\"ask\"]");
        CompletableFuture<List<Object>> answer = asked.get(10, TimeUnit.SECONDS); // taken: not thrown at the handler
        client.close();
        ExecutionException left = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, left.getCause());
    }
}
