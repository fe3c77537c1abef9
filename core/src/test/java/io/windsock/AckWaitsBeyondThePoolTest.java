package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * More handlers than the default pool has threads ({@link HandlerExecutors#DEFAULT_THREADS}, on Java 17 to
 * 23) block at once on their clients' acks, on the default pool with sessions on two network threads and
 * real WebSocket clients that hold their answers until every pool thread waits. The answers complete the
 * waits within milliseconds: completing them needs no free thread of the bound. They used to wait
 * behind the handlers that waited for them: 256 waits took the full 60 s of their {@code get}, as the
 * ack's own 30 s timeout needed a pool thread too.
 */
class AckWaitsBeyondThePoolTest {
    private static final int BOUND = HandlerExecutors.DEFAULT_THREADS;
    private static final int HANDLERS = BOUND + 44;
    private static final Pattern QUESTION = Pattern.compile("42(\\d+)\\[\"q\"]");
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    /** Well under the ack's 30 s timeout, which is what every wait took before; room for a slow machine. */
    private static final long PROMPT_MS = 15_000;

    private record Question(V4TestClient client, String ackId) {
    }

    /** What a blocked handler's wait ended with (its answer, or the failure) and how long it took. */
    private record Outcome(Object value, long waitedMs) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<Question> questions = new LinkedBlockingQueue<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<V4TestClient> clients = new ArrayList<>();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void socketAcksReachHandlersThatTakeEveryPoolThread() throws Exception {
        everyHandlerBlocksOn(socket -> socket.emitWithAck(ACK_TIMEOUT, "q"));
    }

    @Test
    void broadcastAcksReachHandlersThatTakeEveryPoolThread() throws Exception {
        everyHandlerBlocksOn(socket -> socket.namespace().to(socket.id()).timeout(ACK_TIMEOUT).emitWithAck("q"));
    }

    private void everyHandlerBlocksOn(Function<Socket, CompletableFuture<List<Object>>> ask) throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("ask", (args, ack) -> {
                    long start = System.nanoTime();
                    Object value;
                    try {
                        value = ask.apply(socket).get(2 * ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(0);
                    } catch (ExecutionException e) {
                        value = e.getCause();
                    } catch (TimeoutException e) {
                        value = e;
                    }
                    outcomes.add(new Outcome(value, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
                })))
                .build().start();
        for (int i = 0; i < HANDLERS; i++) {
            CompletableFuture<V4TestClient> self = new CompletableFuture<>(); // packets come after the ask below
            V4TestClient client = V4TestClient.connect(http, server.port(), packet -> onPacket(self.join(), packet));
            self.complete(client);
            clients.add(client);
        }
        for (V4TestClient client : clients) {
            client.send("42[\"ask\"]");
        }
        // Every pool thread now takes a handler that asks; the rest of the events wait for a thread.
        List<Question> held = new ArrayList<>();
        while (held.size() < BOUND) {
            Question q = questions.poll(PROMPT_MS, TimeUnit.MILLISECONDS);
            assertTrue(q != null, "only " + held.size() + " questions of " + BOUND + " arrived");
            held.add(q);
        }
        long answeredFrom = System.nanoTime();
        for (Question q : held) {
            answer(q);
        }
        List<Outcome> ended = new ArrayList<>();
        long deadline = answeredFrom + TimeUnit.MILLISECONDS.toNanos(PROMPT_MS);
        while (ended.size() < HANDLERS) {
            Question q;
            while ((q = questions.poll()) != null) {
                answer(q); // the handlers that got a thread once the first ones returned
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "only " + ended.size() + " of " + HANDLERS + " waits ended within " + PROMPT_MS
                    + " ms of the answers (ack timeout " + ACK_TIMEOUT.toSeconds() + " s)");
            Outcome outcome = outcomes.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            if (outcome != null) {
                ended.add(outcome);
            }
        }
        for (Outcome outcome : ended) {
            assertEquals("a", outcome.value(), "every wait ends with its client's answer (this one after "
                    + outcome.waitedMs() + " ms)");
        }
    }

    private void onPacket(V4TestClient client, String packet) {
        Matcher m = QUESTION.matcher(packet);
        if (m.matches()) {
            questions.add(new Question(client, m.group(1)));
        }
    }

    private static void answer(Question q) throws Exception {
        q.client().send("43" + q.ackId() + "[\"a\"]");
    }
}
