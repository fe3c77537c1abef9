package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

/**
 * Two Windsock nodes on a Redis Cluster of three masters with a replica each, a WebSocket client on each
 * node, on the classic adapter (null) and on the sharded one: a broadcast to a room, fetchSockets and
 * serverSideEmit with acks cross the nodes; then the master serving the namespace's channel (and the
 * room's) dies, and once its replica took over they cross again, within a bound, on the same nodes.
 */
class RedisClusterFailoverTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** How long after the promotion the nodes may take to follow it (RedisAdapterFactory's documented bound). */
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static LocalRedisCluster cluster;

    private final HttpClient http = HttpClient.newHttpClient();
    /** Closed after the test, the last added first: clients, then servers, then factories. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
        cluster.restartKilled(); // each test kills a master that has a replica: the next one needs another
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(value = SubscriptionMode.class, names = "DYNAMIC")
    void nodesCrossAgainAfterAFailover(SubscriptionMode sharded) throws Exception {
        String key = keyOnAMasterWithAReplica("wsf");
        RedisClusterNode master = cluster.master(cluster.slot(key + "#/#"));
        String room = roomServedBy(key, master);

        Windsock a = node(key, sharded, "a");
        Windsock b = node(key, sharded, "b");
        Client onA = client(a, "lobby");
        Client onB = client(b, room);
        assertCross(a, b, room, onA, onB, WAIT);

        long slot = cluster.slot(key + "#/#");
        cluster.kill(master);
        // A request made while the master is gone ends by its timeout (or at once), instead of hanging; 3 s
        // of slack for a loaded machine (its timer, or this thread, late).
        CompletableFuture<String> during = a.of("/").fetchSockets().handle((sockets, error) -> "settled");
        long settleBy = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(3).toNanos();
        RedisClusterNode promoted = cluster.awaitFailover(slot, master);
        long promotedAt = System.nanoTime();
        awaitDone(during, Duration.ofNanos(Math.max(0, settleBy - promotedAt)));

        assertCross(a, b, room, onA, onB, RECOVERY);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promotedAt);
        System.out.printf("%s: crossing again %d ms after %d took over from %d%n", sharded == null ? "classic" : sharded,
                millis, promoted.getUri().getPort(), master.getUri().getPort());
    }

    /**
     * One node's subscriber connection to a master drops while the master lives on (a blip, a CLIENT KILL):
     * Lettuce subscribes it again to its shard channels in one command, which the cluster refuses when they
     * hash to more than one slot (here the namespace's and the room's, on one master), so each is
     * subscribed again on its own.
     */
    @Test
    void shardChannelsOfADroppedNodeConnectionComeBack() throws Exception {
        String key;
        RedisClusterNode master;
        String room;
        do {
            key = "wsk-" + UUID.randomUUID();
            master = cluster.master(cluster.slot(key + "#/#"));
            room = roomServedBy(key, master);
        } while (cluster.slot(key + "#/#" + room + "#") == cluster.slot(key + "#/#"));
        Windsock a = node(key, SubscriptionMode.DYNAMIC, "a");
        Windsock b = node(key, SubscriptionMode.DYNAMIC, "b");
        Client onA = client(a, "lobby");
        Client onB = client(b, room);
        assertCross(a, b, room, onA, onB, WAIT);

        cluster.killSubscribers(master);
        assertCross(a, b, room, onA, onB, RECOVERY);
    }

    /**
     * A master dies, its replica takes over, and it comes back as that replica's replica: Lettuce reconnects
     * to it and subscribes there again to what it had, which a replica accepts and serves. Each node must
     * undo that, else every broadcast on the channel reaches it twice, once from each server of the shard.
     */
    @Test
    void aFormerMasterBackAsAReplicaKeepsNoSubscription() throws Exception {
        String key = keyOnAMasterWithAReplica("wsr");
        RedisClusterNode master = cluster.master(cluster.slot(key + "#/#"));
        long slot = cluster.slot(key + "#/#");
        // Each node with only the namespace's channel on that master (its response channel elsewhere): Lettuce's
        // subscription again there then succeeds, and is the one to undo.
        Windsock a = nodeWithOneChannelOn(master, key, "a");
        Windsock b = nodeWithOneChannelOn(master, key, "b");
        Client onA = client(a, "lobby");
        Client onB = client(b, "lobby");

        cluster.kill(master);
        cluster.awaitFailover(slot, master);
        awaitProbe(System.nanoTime() + RECOVERY.toNanos(), RECOVERY, "the namespace's", n -> a.emit("probe", n), onB);
        cluster.restart(master);
        // Both nodes' subscribers reconnected to it and subscribed there again (then, fixed, unsubscribed).
        RedisClusterNode back = master;
        long deadline = System.nanoTime() + WAIT.toNanos();
        eventually(deadline, () -> assertEquals(2, cluster.shardSubscribersSeen(back), "subscribers back"));
        eventually(deadline, () -> assertEquals(List.of(), cluster.shardChannels(back), "on the replica"));

        // A second copy of a node's broadcast would come before the other node's next one.
        for (Windsock from : List.of(a, b)) {
            String name = from == a ? "a" : "b";
            from.emit("all", "from " + name + " 1");
            from.emit("all", "from " + name + " 2");
            for (Client to : List.of(onA, onB)) {
                assertEquals("[\"all\",\"from " + name + " 1\"]", nextOtherThanProbe(to), "each once, in order");
                assertEquals("[\"all\",\"from " + name + " 2\"]", nextOtherThanProbe(to), "each once, in order");
            }
        }
    }

    /** @return a node on the sharded adapter whose response channel is not on that master */
    private Windsock nodeWithOneChannelOn(RedisClusterNode master, String key, String name) throws Exception {
        for (int attempt = 0; attempt < 30; attempt++) {
            List<String> before = cluster.shardChannels(master);
            Windsock node = node(key, SubscriptionMode.DYNAMIC, name);
            awaitDone(((NamespaceImpl) node.of("/")).adapter().ready().toCompletableFuture(), WAIT);
            if (cluster.shardChannels(master).stream().filter(c -> !before.contains(c))
                    .allMatch(c -> c.equals(key + "#/#"))) {
                return node;
            }
            opened.pop().close(); // the node
            opened.pop().close(); // its factory
        }
        throw new AssertionError("no node whose response channel is on another master than the namespace's");
    }

    /**
     * Classic messages cross while the master of their channel's slot is dead and not yet replaced: the cluster
     * bus of any node carries them, so no new slot map is needed. A node that published to the slot's master
     * (the dead one, for each node until it reloads its map after the promotion) lost them, the answers to
     * requests among them: the cause of a fetchSockets that timed out right after a failover.
     */
    @Test
    void classicBroadcastsCrossBeforeTheDeadMasterIsReplaced() throws Exception {
        String key = keyOnAMasterWithAReplica("wsd");
        RedisClusterNode master = cluster.master(cluster.slot(key + "#/#"));
        long slot = cluster.slot(key + "#/#");
        Windsock a = node(key, null, "a");
        Windsock b = node(key, null, "b");
        Client onB = client(b, "lobby");
        awaitProbe(System.nanoTime() + WAIT.toNanos(), WAIT, "the namespace's", n -> a.emit("probe", n), onB);

        cluster.kill(master);
        // The replica takes over a node timeout (2 s) after the death at the earliest: a probe that crossed
        // while the dead master still held the slot did not need the promotion.
        awaitProbe(System.nanoTime() + WAIT.toNanos(), WAIT, "the namespace's", n -> a.emit("probe", n), onB);
        boolean replaced = !master.getNodeId().equals(cluster.master(slot).getNodeId());
        cluster.awaitFailover(slot, master);
        assertTrue(!replaced, "the broadcast crossed only once a replica took over the dead master's slot");
    }

    /** @return a key prefix whose namespace channel's master has a live replica (each test kills one) */
    private static String keyOnAMasterWithAReplica(String prefix) {
        String key;
        do {
            key = prefix + "-" + UUID.randomUUID();
        } while (!cluster.hasLiveReplica(cluster.master(cluster.slot(key + "#/#"))));
        return key;
    }

    /** @return a room whose channel the master serves too, so that its death cuts the room's broadcasts */
    private static String roomServedBy(String key, RedisClusterNode master) {
        for (int i = 0; i < 1000; i++) {
            if (master.hasSlot((int) cluster.slot(key + "#/#r" + i + "#"))) {
                return "r" + i;
            }
        }
        throw new AssertionError("no room channel on " + master.getNodeId());
    }

    private Windsock node(String key, SubscriptionMode sharded, String name) throws Exception {
        RedisAdapterFactory.Builder builder = RedisAdapterFactory.builder()
                .clusterUris(cluster.uris().toArray(String[]::new)).key(key).requestTimeout(REQUEST_TIMEOUT);
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
        return node;
    }

    private Client client(Windsock node, String room) throws Exception {
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
    private record Client(String id, BlockingQueue<String> events) {
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
    private void assertCross(Windsock a, Windsock b, String room, Client onA, Client onB,
                             Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        awaitProbe(deadline, within, "the room's", n -> a.to(room).emit("probe", n), onB);
        awaitProbe(deadline, within, "the namespace's", n -> a.emit("probe", n), onB);

        a.to(room).emit("room", "once");
        assertEquals("[\"room\",\"once\"]", nextOtherThanProbe(onB));
        a.emit("all", "from a");
        assertEquals("[\"all\",\"from a\"]", nextOtherThanProbe(onB), "the room's event came once, then this");
        assertEquals("[\"all\",\"from a\"]", nextOtherThanProbe(onA), "A's client: not in the room");

        // Each node learns the dead master's failure on its own: its server count may fail until it did.
        for (Windsock node : List.of(a, b)) {
            NamespaceImpl namespace = (NamespaceImpl) node.of("/");
            eventually(deadline, () -> assertEquals(2,
                    awaitDone(namespace.adapter().serverCount().toCompletableFuture(), WAIT), "server count"));
        }
        // Then a request and its answers are not lost: each is asked once. (Requests and answers cross on
        // classic channels, which any node's cluster bus carries, whatever a node's slot map says.)
        Set<String> both = Set.of(onA.id(), onB.id());
        for (Windsock node : List.of(a, b)) {
            assertEquals(both, awaitDone(((NamespaceImpl) node.of("/")).fetchSockets(), WAIT).stream()
                    .map(RemoteSocket::id).collect(Collectors.toSet()), "fetchSockets");
        }
        assertEquals(List.of("pong from b"), awaitDone(a.of("/").serverSideEmitWithAck(REQUEST_TIMEOUT, "ping"), WAIT));
        assertEquals(List.of("pong from a"), awaitDone(b.of("/").serverSideEmitWithAck(REQUEST_TIMEOUT, "ping"), WAIT));
    }

    /**
     * Sends a probe from A until one reaches B's client, paced by the wait for it: Redis delivers a message
     * only to the subscriptions it has when it is published, so one sent before B's subscription is back is lost.
     */
    private static void awaitProbe(long deadline, Duration within, String channel, IntConsumer send,
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

    private interface Check {
        void run() throws Exception;
    }

    /** Runs a check until it passes, paced; once the deadline passed, its failure is the test's. */
    private static void eventually(long deadline, Check check) throws Exception {
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
    private static String nextOtherThanProbe(Client client) throws InterruptedException {
        String got;
        do {
            got = client.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(got != null, "no event within " + WAIT.toSeconds() + " s");
        } while (got.startsWith("[\"probe\","));
        return got;
    }

    /** @return the future's value; fails when it did not complete within the time, or failed */
    private static <T> T awaitDone(CompletableFuture<T> future, Duration within) throws InterruptedException {
        try {
            return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still pending after " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        }
    }
}
