package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code emitWithAck} with timeouts that expire at once, from handlers on the default pool, the
 * socket's session on one of two network threads: every future ends with its timeout, however the
 * timer's thread and the emitting thread interleave (a timer that fired before the ack was
 * registered used to leave its future waiting until the socket left).
 */
class EmitWithAckTimeoutTest {
    private static final int EMITS = 2_000;

    @Test
    void everyAckTimesOutEvenWhenItsTimerFiresBeforeTheEmitReturns() throws Exception {
        List<CompletableFuture<List<Object>>> futures = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> emitted = new CompletableFuture<>();
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("go", (args, ack) -> {
                    for (int i = 0; i < EMITS; i++) {
                        futures.add(socket.emitWithAck(i % 2 == 0 ? Duration.ZERO : Duration.ofNanos(1), "ask", i));
                    }
                    emitted.complete(null);
                })))
                .build().start();
        try {
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port());
            client.send("42[\"go\"]");
            emitted.get(10, TimeUnit.SECONDS);
            int timedOut = 0;
            for (CompletableFuture<List<Object>> future : futures) {
                try {
                    future.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof TimeoutException, e.getCause()::toString);
                    assertTrue(e.getCause().getMessage().startsWith("operation has timed out: no ack for '"),
                            e.getCause().getMessage()); // socket.io's words, as a broadcast's timeout
                    timedOut++;
                } catch (TimeoutException e) {
                    throw new AssertionError("an ack's future never ended: its timer was lost", e);
                }
            }
            assertEquals(EMITS, timedOut, "the client answers no ack");
        } finally {
            server.stop();
        }
    }
}
