package io.windsock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.Ack;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on the real Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}), each on its default
 * handler pool. On node A more handlers than the pool has threads (256 on Java 17 to 23) block at once
 * on answers from node B, which B holds until every thread of A waits: answers of B's server-side
 * listener to {@code serverSideEmitWithAck}, and acks of a client of B to a broadcast. Those answers are read on A's Redis client thread; completing A's futures with them needs no
 * free thread of A's bound, so the waits end within milliseconds, not at their timeouts.
 */
class ClusterAckWaitsBeyondThePoolTest {
    private static final String REDIS = System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379");
    /** The default pool's thread bound on Java 17 to 23 (core's {@code HandlerExecutors.DEFAULT_THREADS}). */
    private static final int BOUND = 256;
    private static final int HANDLERS = BOUND + 44;
    private static final Pattern QUESTION = Pattern.compile("42(\\d+)\\[\"q\"]");
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    /** Well under the 30 s timeout, which is what every wait took before; room for a slow machine. */
    private static final long PROMPT_MS = 15_000;

    /** What a blocked handler's wait ended with: its answers, or the failure. */
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String key = "wsb-" + UUID.randomUUID();
    private final List<RedisAdapterFactory> factories = new ArrayList<>();
    private final List<Windsock> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Windsock::stop);
        factories.forEach(RedisAdapterFactory::close);
    }

    private Windsock node(Consumer<Namespace> setup) {
        RedisAdapterFactory factory = RedisAdapterFactory.builder().uri(REDIS).key(key).build();
        factories.add(factory);
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .adapter(factory)
                .namespace("/", setup)
                .build().start();
        servers.add(server);
        return server;
    }

    /** Node A: each client's "ask" runs a handler that blocks on {@code ask}. */
    private Windsock askingNode(Function<Socket, CompletableFuture<List<Object>>> ask) {
        return node(ns -> ns.onConnection(socket -> socket.on("ask", (args, ack) -> {
            try {
                outcomes.add(ask.apply(socket).get(2 * ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                outcomes.add(e.getCause());
            } catch (TimeoutException e) {
                outcomes.add(e);
            }
        })));
    }

    private void everyHandlerAsks(Windsock nodeA) throws Exception {
        List<V4TestClient> clients = new ArrayList<>();
        for (int i = 0; i < HANDLERS; i++) {
            clients.add(V4TestClient.connect(http, nodeA.port()));
        }
        for (V4TestClient client : clients) {
            client.send("42[\"ask\"]");
        }
    }

    private void everyWaitEndsWith(List<Object> expected) throws InterruptedException {
        for (int i = 0; i < HANDLERS; i++) {
            Object outcome = outcomes.poll(PROMPT_MS, TimeUnit.MILLISECONDS);
            assertTrue(outcome != null, "only " + i + " of " + HANDLERS + " waits ended within " + PROMPT_MS
                    + " ms (timeout " + ACK_TIMEOUT.toSeconds() + " s)");
            assertEquals(expected, outcome, "wait " + i);
        }
    }

    @Test
    void serverSideAcksReachHandlersThatTakeEveryPoolThread() throws Exception {
        List<Ack> held = new ArrayList<>();
        boolean[] open = {false};
        node(ns -> {
            ns.onServerSideEmit("ping", (args, ack) -> ack.send("pong"));
            ns.onServerSideEmit("q", (args, ack) -> {
                List<Ack> release = List.of();
                synchronized (held) {
                    held.add(ack);
                    if (open[0] || held.size() >= BOUND) { // every thread of A waits: answer them all
                        open[0] = true;
                        release = List.copyOf(held);
                        held.clear();
                    }
                }
                release.forEach(a -> a.send("b"));
            });
        });
        Windsock nodeA = askingNode(socket -> socket.namespace().serverSideEmitWithAck(ACK_TIMEOUT, "q"));
        // Both nodes subscribed and counted: A's request reaches B and waits for it alone.
        assertEquals(List.of("pong"), nodeA.of("/").serverSideEmitWithAck(ACK_TIMEOUT, "ping").get(10, TimeUnit.SECONDS));
        everyHandlerAsks(nodeA);
        everyWaitEndsWith(List.of("b"));
    }

    @Test
    void broadcastAcksFromAnotherNodeReachHandlersThatTakeEveryPoolThread() throws Exception {
        Windsock nodeB = node(ns -> ns.onConnection(socket -> socket.join("answerers")));
        Windsock nodeA = askingNode(socket -> socket.namespace().to("answerers").timeout(ACK_TIMEOUT).emitWithAck("q"));
        BlockingQueue<String> questions = new LinkedBlockingQueue<>();
        V4TestClient answerer = V4TestClient.connect(http, nodeB.port(), packet -> {
            Matcher m = QUESTION.matcher(packet);
            if (m.matches()) {
                questions.add(m.group(1));
            }
        });
        Await.until(() -> nodeA.of("/").in("answerers").fetchSockets().join().size() == 1, Duration.ofSeconds(10),
                () -> "A sees B's client in the room");
        everyHandlerAsks(nodeA);
        List<String> held = new ArrayList<>();
        while (held.size() < BOUND) { // every thread of A waits: answer them all, and the later ones
            String ackId = questions.poll(PROMPT_MS, TimeUnit.MILLISECONDS);
            assertTrue(ackId != null, "only " + held.size() + " questions of " + BOUND + " arrived");
            held.add(ackId);
        }
        for (String ackId : held) {
            answerer.send("43" + ackId + "[\"a\"]");
        }
        for (int i = BOUND; i < HANDLERS; i++) {
            String ackId = questions.poll(PROMPT_MS, TimeUnit.MILLISECONDS);
            assertTrue(ackId != null, "only " + i + " questions of " + HANDLERS + " arrived");
            answerer.send("43" + ackId + "[\"a\"]");
        }
        everyWaitEndsWith(List.of("a"));
    }
}
