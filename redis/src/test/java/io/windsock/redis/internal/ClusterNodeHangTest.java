package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterNodes.WAIT;
import static io.windsock.redis.internal.ClusterNodes.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.cluster.SlotHash;
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
 * One master of a Redis Cluster hangs (stopped: its connections stay open and nothing answers) while a node
 * of the sharded adapter joins rooms, some whose channels that master serves and some on the other masters:
 * the hung master's subscriptions wait, as many as the node lets wait, and the other rooms are still
 * subscribed at once, so that their broadcasts arrive; once the master goes on, its rooms are subscribed too.
 * Before, the hung master's commands held every place, and the other rooms' subscriptions were not sent
 * until Lettuce ended those commands (the request timeout here).
 */
class ClusterNodeHangTest {
    /** How many subscription commands node B lets wait. */
    private static final int LIMIT = 5;
    /** Node B's request timeout: the hung master's commands hold their places that long. */
    private static final Duration HUNG_FOR = Duration.ofSeconds(10);
    /** Well within {@link #HUNG_FOR}; a subscription to a healthy master takes milliseconds. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** The longest wait between two tries of a subscription (5 s), with slack for a loaded machine. */
    private static final Duration RETRIED_WITHIN = Duration.ofSeconds(15);
    /** A node timeout the test does not reach: the stopped master is not failed over meanwhile. */
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster(Duration.ofSeconds(60));

    @RegisterExtension
    final ClusterNodes nodes = new ClusterNodes(cluster);
    @RegisterExtension
    final PausedMaster stopped = new PausedMaster(cluster); // after the nodes: resumed before they close

    @Test
    void roomsOnHealthyMastersAreSubscribedPromptlyWhileOneMasterHangs() throws Exception {
        String key = "wsn-" + UUID.randomUUID();
        String namespaceChannel = key + "#/#";
        Partitions map = cluster.nodes();
        String namespaceMaster = masterOf(map, namespaceChannel);
        // The hung master is not the namespace channel's: only rooms are at stake.
        Map<String, List<String>> roomsByMaster = new LinkedHashMap<>();
        String hung = null;
        for (int i = 0; hung == null || roomsByMaster.get(hung).size() < LIMIT
                || roomsByMaster.size() < LocalRedisCluster.MASTERS; i++) {
            String room = "room" + i;
            String master = masterOf(map, namespaceChannel + room + "#");
            if (hung == null && !master.equals(namespaceMaster)) {
                hung = master;
            }
            List<String> rooms = roomsByMaster.computeIfAbsent(master, m -> new ArrayList<>());
            if (rooms.size() < (master.equals(hung) ? LIMIT : 1)) {
                rooms.add(room);
            }
        }
        List<String> hungRooms = roomsByMaster.remove(hung);
        List<String> healthyRooms = roomsByMaster.values().stream().flatMap(List::stream).toList();

        Windsock a = nodes.node(key, SubscriptionMode.DYNAMIC, "a");
        Windsock b = nodes.node(key, SubscriptionMode.DYNAMIC, "b",
                options -> options.requestQueueSize(LIMIT).requestTimeout(HUNG_FOR));
        Client onB = nodes.client(b, "lobby");
        awaitRoom(System.nanoTime() + WAIT.toNanos(), a, "lobby", onB);
        RedisConnections redis = ((ShardedRedisAdapter) ((NamespaceImpl) b.of("/")).adapter()).connections();
        assertEquals(0, redis.subscriberCommandsInFlight());

        stopped.pause(map.getPartitionByNodeId(hung));
        // A local join subscribes on the calling thread: the hung master's commands are sent before the others.
        b.of("/").local().socketsJoin(hungRooms.toArray(String[]::new));
        long joined = System.nanoTime();
        b.of("/").local().socketsJoin(healthyRooms.toArray(String[]::new));
        for (String room : healthyRooms) {
            awaitRoom(joined + PROMPTLY.toNanos(), a, room, onB);
        }
        System.out.printf("rooms on the healthy masters subscribed within %d ms while one hangs%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined));
        for (String room : hungRooms) {
            assertFalse(redis.shardSubscribed(namespaceChannel + room + "#"), "still waiting: " + room);
        }
        assertTrue(redis.subscriberCommandsInFlight() > 0, "the hung master's commands are on their way");

        stopped.resume();
        long deadline = System.nanoTime() + RETRIED_WITHIN.toNanos();
        for (String room : hungRooms) {
            awaitRoom(deadline, a, room, onB);
        }
        eventually(deadline, () -> assertEquals(0, redis.subscriberCommandsInFlight(), "every command answered"));
    }

    /**
     * Broadcasts to a room from A until one reaches B's client, paced by the wait for it (Redis delivers a message
     * only to the subscriptions it has when it is published); a late one to another room does not count.
     */
    static void awaitRoom(long deadline, Windsock a, String room, Client onB) throws InterruptedException {
        String expected = "[\"probe\",\"" + room + "\"]";
        int sent = 0;
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                fail("no broadcast to room " + room + " reached B's client in time (" + sent + " sent)");
            }
            a.to(room).emit("probe", room);
            sent++;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            for (String got = onB.poll(100, TimeUnit.MILLISECONDS); got != null;
                    got = onB.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                if (got.equals(expected)) {
                    return;
                }
            }
        }
    }

    /** @return the id of the master of a channel's slot */
    static String masterOf(Partitions map, String channel) {
        return map.getPartitionBySlot(SlotHash.getSlot(channel)).getNodeId();
    }
}
