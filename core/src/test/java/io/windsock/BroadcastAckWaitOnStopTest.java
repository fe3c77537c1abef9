package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.Socket;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handler blocked on a broadcast's {@code emitWithAck(...).get()} (the default pool, two network
 * threads, real WebSocket clients, one of which answers and one of which does not): a stop ends the
 * wait at once with the answers received, as it ends a socket's own ack wait, since no answer can
 * come once the sockets are closed. Before, the wait lasted until the stop's timeout, which then
 * interrupted the handler.
 */
class BroadcastAckWaitOnStopTest {
    private static final Pattern QUESTION = Pattern.compile("42(\\d+)\\[\"q\"]");
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Well under the stop's 30 s timeout, which is what the stop took before; room for a slow machine. */
    private static final long PROMPT_MS = 10_000;

    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Socket> sockets = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String questionAckId(BlockingQueue<String> packets) throws InterruptedException {
        String packet = packets.poll(10, TimeUnit.SECONDS);
        Matcher m = QUESTION.matcher(String.valueOf(packet));
        assertTrue(m.matches(), "the broadcast's question: " + packet);
        return m.group(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster-wide", "local"})
    void aStopEndsAHandlersWaitForABroadcastsAcks(String scope) throws Exception {
        Function<Windsock, io.windsock.server.BroadcastOperator> target = s -> "local".equals(scope)
                ? s.of("/").local().timeout(ACK_TIMEOUT) : s.of("/").timeout(ACK_TIMEOUT);
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).shutdownTimeout(SHUTDOWN_TIMEOUT).build())
                .namespace("/", ns -> ns.onConnection(socket -> {
                    sockets.add(socket);
                    socket.on("ask", (args, ack) -> {
                    try {
                        outcomes.add(target.apply(server).emitWithAck("q").get());
                    } catch (ExecutionException e) {
                        outcomes.add(e.getCause());
                    } catch (InterruptedException e) {
                        outcomes.add(e);
                    }
                    });
                }))
                .build().start();
        BlockingQueue<String> answering = new LinkedBlockingQueue<>();
        BlockingQueue<String> silent = new LinkedBlockingQueue<>();
        V4TestClient asker = V4TestClient.connect(http, server.port(), answering::add);
        V4TestClient.connect(http, server.port(), silent::add);
        asker.send("42[\"ask\"]");
        asker.send("43" + questionAckId(answering) + "[\"yes\"]");
        questionAckId(silent); // never answered
        // The answer is in when a second broadcast, after it on the same connection, gets its own.
        CompletableFuture<List<Object>> probe = sockets.take().emitWithAck(ACK_TIMEOUT, "q");
        asker.send("43" + questionAckId(answering) + "[\"probe\"]");
        assertEquals(List.of("probe"), probe.get(10, TimeUnit.SECONDS));

        long start = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
        Object outcome = outcomes.poll(PROMPT_MS, TimeUnit.MILLISECONDS);
        BroadcastTimeoutException failure = assertInstanceOf(BroadcastTimeoutException.class, outcome,
                "the blocked handler's wait ended with " + outcome + " after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        assertEquals(List.of("yes"), failure.responses());
        assertTrue(failure.getMessage().startsWith("server shutting down: 1 of 2 acks"), failure.getMessage());
        stopped.get(PROMPT_MS, TimeUnit.MILLISECONDS);
    }
}
