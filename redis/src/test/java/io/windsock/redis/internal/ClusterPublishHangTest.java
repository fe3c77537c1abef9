package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterNodeHangTest.awaitRoom;
import static io.windsock.redis.internal.ClusterNodeHangTest.masterOf;
import static io.windsock.redis.internal.ClusterNodes.WAIT;
import static io.windsock.redis.internal.ClusterNodes.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.models.partitions.Partitions;
import io.windsock.Windsock;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.SubscriptionMode;
import io.windsock.redis.internal.ClusterNodes.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One master of a Redis Cluster hangs (stopped: its connections stay open and nothing answers) while a node of
 * the sharded adapter broadcasts to a room whose channel that master serves, more often than its share of the
 * publishes waiting for Redis: the rest of those broadcasts are dropped at once, and broadcasts to rooms on the
 * other masters still reach another node's client. Before, the hung master's publishes held every place, and
 * every publish to the other masters was dropped until Lettuce ended them (the request timeout here).
 */
class ClusterPublishHangTest {
    /** How many publishes node A lets wait for Redis: a master's share is 2 of them, on three masters. */
    private static final int LIMIT = 6;
    private static final int SHARE = 2;
    /** Node A's request timeout: the hung master's publishes hold their places that long. */
    private static final Duration HUNG_FOR = Duration.ofSeconds(10);
    /** Well within {@link #HUNG_FOR}; a broadcast through a healthy master takes milliseconds. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** A node timeout the test does not reach: the stopped master is not failed over meanwhile. */
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster(Duration.ofSeconds(60));

    @RegisterExtension
    final ClusterNodes nodes = new ClusterNodes(cluster);
    @RegisterExtension
    final PausedMaster stopped = new PausedMaster(cluster); // after the nodes: resumed before they close

    @Test
    void broadcastsThroughHealthyMastersArriveWhileOneMasterHoldsItsShare() throws Exception {
        String key = "wsn-" + UUID.randomUUID();
        String namespaceChannel = key + "#/#";
        Partitions map = cluster.nodes();
        String namespaceMaster = masterOf(map, namespaceChannel);
        // One room per master; the hung master is not the namespace channel's: only rooms are at stake.
        Map<String, String> roomByMaster = new LinkedHashMap<>();
        String hung = null;
        for (int i = 0; roomByMaster.size() < LocalRedisCluster.MASTERS; i++) {
            String room = "room" + i;
            String master = masterOf(map, namespaceChannel + room + "#");
            if (hung == null && !master.equals(namespaceMaster)) {
                hung = master;
            }
            roomByMaster.putIfAbsent(master, room);
        }
        String hungRoom = roomByMaster.remove(hung);
        List<String> healthyRooms = new ArrayList<>(roomByMaster.values());

        Windsock a = nodes.node(key, SubscriptionMode.DYNAMIC, "a",
                options -> options.requestQueueSize(LIMIT).requestTimeout(HUNG_FOR));
        Windsock b = nodes.node(key, SubscriptionMode.DYNAMIC, "b");
        Client onB = nodes.client(b, "lobby");
        b.of("/").local().socketsJoin(hungRoom);
        b.of("/").local().socketsJoin(healthyRooms.toArray(String[]::new));
        // Every room works, so A has a connection to every master before one stops.
        long deadline = System.nanoTime() + WAIT.toNanos();
        awaitRoom(deadline, a, hungRoom, onB);
        for (String room : healthyRooms) {
            awaitRoom(deadline, a, room, onB);
        }
        RedisConnections redis = ((ShardedRedisAdapter) ((NamespaceImpl) a.of("/")).adapter()).connections();
        eventually(deadline, () -> assertEquals(0, redis.commandsInFlight(), "every probe answered"));
        long unpublished = redis.unpublishedCount();

        stopped.pause(map.getPartitionByNodeId(hung));
        for (int i = 0; i < LIMIT; i++) {
            a.to(hungRoom).emit("held", i);
        }
        // Each of them is either waiting for the hung master or dropped, whatever the bound.
        eventually(System.nanoTime() + WAIT.toNanos(), () -> assertEquals(LIMIT,
                redis.commandsInFlight() + redis.unpublishedCount() - unpublished, "every broadcast sent or dropped"));
        long started = System.nanoTime();
        for (String room : healthyRooms) {
            awaitRoom(started + PROMPTLY.toNanos(), a, room, onB);
        }
        System.out.printf("broadcasts through the healthy masters arrived within %d ms while one hangs%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertTrue(redis.unpublishedCount() - unpublished >= LIMIT - SHARE,
                "past the hung master's share, its broadcasts were dropped at once");

        stopped.resume();
        deadline = System.nanoTime() + WAIT.toNanos();
        awaitRoom(deadline, a, hungRoom, onB);
        eventually(deadline, () -> assertEquals(0, redis.commandsInFlight(), "every publish answered"));
    }
}
