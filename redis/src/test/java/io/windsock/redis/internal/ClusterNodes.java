package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.windsock.Windsock;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.RemoteSocket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Windsock nodes on a {@link LocalRedisCluster}, each with a WebSocket client of "/", and the checks that
 * they work as one across a change of the cluster (a failover, a slot moved). Each node joins its client to
 * the room its handshake names and acks serverSideEmit "ping" with "pong from" its name. Register it as a
 * test's instance field with {@code @RegisterExtension}: after each test it closes everything opened, the
 * last first: clients, then servers, then factories.
 */
final class ClusterNodes implements AfterEachCallback {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final Duration WAIT = Duration.ofSeconds(10);

    private final LocalRedisCluster cluster;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final Map<Windsock, RedisAdapterFactory> factories = new HashMap<>();

    ClusterNodes(LocalRedisCluster cluster) {
        this.cluster = cluster;
    }

    /** @return a started node on the classic adapter (null) or the sharded one in that mode */
    Windsock node(String key, SubscriptionMode sharded, String name) throws Exception {
        return node(key, sharded, name, builder -> { });
    }

    /** As {@link #node(String, SubscriptionMode, String)}, its factory's options changed by {@code options}. */
    Windsock node(String key, SubscriptionMode sharded, String name, Consumer<RedisAdapterFactory.Builder> options)
            throws Exception {
        RedisAdapterFactory.Builder builder = RedisAdapterFactory.builder()
                .clusterUris(cluster.uris().toArray(String[]::new)).key(key).requestTimeout(REQUEST_TIMEOUT);
        options.accept(builder);
        if (sharded != null) {
            builder.sharded(sharded);
        }
        RedisAdapterFactory factory = builder.build();
        opened.push(factory);
        factory.connected().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Windsock node = Windsock.builder()
                .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(1).build())
                .adapter(factory).build();
        node.of("/").onConnection(socket -> {
            if (socket.handshake().auth().get("room") instanceof String room) {
                socket.join(room);
            }
        });
        node.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong from " + name));
        node.start();
        opened.push(node::stop);
        factories.put(node, factory);
        return node;
    }

    /** @return the adapter factory of a node this made */
    RedisAdapterFactory factory(Windsock node) {
        return factories.get(node);
    }

    /** Closes the last node made, and its factory: one made with no client yet. */
    void closeLastNode() throws Exception {
        opened.pop().close(); // the node
        opened.pop().close(); // its factory
    }

    /** Closes the last client made. */
    void closeLastClient() throws Exception {
        opened.pop().close();
    }

    /** @return a client of "/" on the node, in the room */
    Client client(Windsock node, String room) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        V4TestClient ws = V4TestClient.open(http, node.port(), "{\"room\":\"" + room + "\"}", packet -> {
            if (packet.startsWith("42")) {
                events.add(packet.substring(2));
            }
        });
        String reply = ws.joined().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        opened.push(ws::close);
        return new Client(reply.substring(reply.indexOf("\"sid\":\"") + 7, reply.lastIndexOf('"')), events);
    }

    /** A client of "/" on one node: its socket id and the events it gets, each as its packet's JSON array. */
    record Client(String id, BlockingQueue<String> events) {
        /** @return the next event, or null when none came within the time */
        String poll(long timeout, TimeUnit unit) throws InterruptedException {
            return events.poll(timeout, unit);
        }
    }

    /**
     * Asserts that the nodes work as one: a broadcast to the room from A reaches B's client, and so does a
     * broadcast to all (each sent again until it does, within {@code within}: the room's channel and the
     * namespace's follow a new master each on its own, a subscription may still be on its way); then a room's
     * event reaches B's client exactly once, a broadcast to all both clients; the server count, fetchSockets
     * and serverSideEmit with acks see both nodes from either side.
     */
    static void assertCross(Windsock a, Windsock b, String room, Client onA, Client onB,
                            Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        awaitProbe(deadline, within, "the room's", n -> a.to(room).emit("probe", n), onB);
        awaitProbe(deadline, within, "the namespace's", n -> a.emit("probe", n), onB);

        a.to(room).emit("room", "once");
        assertEquals("[\"room\",\"once\"]", nextOtherThanProbe(onB));
        a.emit("all", "from a");
        assertEquals("[\"all\",\"from a\"]", nextOtherThanProbe(onB), "the room's event came once, then this");
        assertEquals("[\"all\",\"from a\"]", nextOtherThanProbe(onA), "A's client: not in the room");

        // Each node learns the cluster's change on its own: its server count may fail until it did.
        for (Windsock node : List.of(a, b)) {
            NamespaceImpl namespace = (NamespaceImpl) node.of("/");
            eventually(deadline, () -> assertEquals(2,
                    awaitDone(namespace.adapter().serverCount().toCompletableFuture(), WAIT), "server count"));
        }
        // Then a request and its answers are not lost: each is asked once. (Requests and answers cross on
        // classic channels, which any node's cluster bus carries, whatever a node's slot map says.)
        Set<String> both = Set.of(onA.id(), onB.id());
        for (Windsock node : List.of(a, b)) {
            // eventually: a client the test closed just before may still be leaving
            eventually(deadline, () -> assertEquals(both, awaitDone(((NamespaceImpl) node.of("/")).fetchSockets(), WAIT)
                    .stream().map(RemoteSocket::id).collect(Collectors.toSet()), "fetchSockets"));
        }
        assertEquals(List.of("pong from b"), awaitDone(a.of("/").serverSideEmitWithAck(REQUEST_TIMEOUT, "ping"), WAIT));
        assertEquals(List.of("pong from a"), awaitDone(b.of("/").serverSideEmitWithAck(REQUEST_TIMEOUT, "ping"), WAIT));
    }

    /**
     * Sends a probe from A until one reaches B's client, paced by the wait for it: Redis delivers a message
     * only to the subscriptions it has when it is published, so one sent before B's subscription is back is lost.
     */
    static void awaitProbe(long deadline, Duration within, String channel, IntConsumer send,
                           Client onB) throws InterruptedException {
        int sent = 0;
        String got;
        do {
            if (System.nanoTime() - deadline > 0) {
                fail("no broadcast from A on " + channel + " channel reached B's client within " + within.toMillis()
                        + " ms (" + sent + " sent)");
            }
            send.accept(++sent);
            got = onB.poll(100, TimeUnit.MILLISECONDS);
        } while (got == null);
        assertTrue(got.startsWith("[\"probe\","), got);
    }

    interface Check {
        void run() throws Exception;
    }

    /** Runs a check until it passes, paced; once the deadline passed, its failure is the test's. */
    static void eventually(long deadline, Check check) throws Exception {
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // paces the retries of a check that failed at once
        }
    }

    /** @return the next event of the client that is not a late probe */
    static String nextOtherThanProbe(Client client) throws InterruptedException {
        String got;
        do {
            got = client.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(got != null, "no event within " + WAIT.toSeconds() + " s");
        } while (got.startsWith("[\"probe\","));
        return got;
    }

    /** @return the future's value; fails when it did not complete within the time, or failed */
    static <T> T awaitDone(CompletableFuture<T> future, Duration within) throws InterruptedException {
        try {
            return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still pending after " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }
}
