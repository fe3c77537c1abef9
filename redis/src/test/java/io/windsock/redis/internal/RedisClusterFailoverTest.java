package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterNodes.REQUEST_TIMEOUT;
import static io.windsock.redis.internal.ClusterNodes.WAIT;
import static io.windsock.redis.internal.ClusterNodes.assertCross;
import static io.windsock.redis.internal.ClusterNodes.awaitDone;
import static io.windsock.redis.internal.ClusterNodes.awaitProbe;
import static io.windsock.redis.internal.ClusterNodes.eventually;
import static io.windsock.redis.internal.ClusterNodes.nextOtherThanProbe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.windsock.Windsock;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.SubscriptionMode;
import io.windsock.redis.internal.ClusterNodes.Client;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    /** How long after the promotion the nodes may take to follow it (RedisAdapterFactory's documented bound). */
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    @RegisterExtension
    final ClusterNodes nodes = new ClusterNodes(cluster);

    @AfterEach
    void restartKilled() {
        cluster.restartKilled(); // each test kills a master that has a replica: the next one needs another
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(value = SubscriptionMode.class, names = "DYNAMIC")
    void nodesCrossAgainAfterAFailover(SubscriptionMode sharded) throws Exception {
        String key = keyOnAMasterWithAReplica("wsf");
        RedisClusterNode master = cluster.master(cluster.slot(key + "#/#"));
        String room = roomServedBy(key, master);

        Windsock a = nodes.node(key, sharded, "a");
        Windsock b = nodes.node(key, sharded, "b");
        Client onA = nodes.client(a, "lobby");
        Client onB = nodes.client(b, room);
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
        Windsock a = nodes.node(key, SubscriptionMode.DYNAMIC, "a");
        Windsock b = nodes.node(key, SubscriptionMode.DYNAMIC, "b");
        Client onA = nodes.client(a, "lobby");
        Client onB = nodes.client(b, room);
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
        Client onA = nodes.client(a, "lobby");
        Client onB = nodes.client(b, "lobby");

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
            Windsock node = nodes.node(key, SubscriptionMode.DYNAMIC, name);
            awaitDone(((NamespaceImpl) node.of("/")).adapter().ready().toCompletableFuture(), WAIT);
            if (cluster.shardChannels(master).stream().filter(c -> !before.contains(c))
                    .allMatch(c -> c.equals(key + "#/#"))) {
                return node;
            }
            nodes.closeLastNode();
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
        Windsock a = nodes.node(key, null, "a");
        Windsock b = nodes.node(key, null, "b");
        Client onB = nodes.client(b, "lobby");
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
}
