package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterNodes.WAIT;
import static io.windsock.redis.internal.ClusterNodes.assertCross;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.windsock.Windsock;
import io.windsock.redis.SubscriptionMode;
import io.windsock.redis.internal.ClusterNodes.Client;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real resharding: two Windsock nodes on a Redis Cluster of three masters with a replica each, a client on
 * each node, B's in a room; then the slot of one channel that carries A's broadcasts to B (the room's own, or
 * the namespace's) migrates to another master while every server runs, as {@code redis-cli --cluster reshard}
 * moves it. Afterwards the nodes must work as one again, on the same connections, within {@link #RECOVERY}.
 *
 * <p>A broadcast published while B's subscription moves may be lost, and is sent again until one crosses:
 * the former master unsubscribes the slot's shard channels by itself (SUNSUBSCRIBE) when it hands the slot
 * over, and B subscribes again, on the new master once its slot map names it (a MOVED answer makes it reload
 * the map). A's SPUBLISH to the former master is redirected by Lettuce. The classic adapter does not depend
 * on the slot: any node's cluster bus carries PUBLISH to every subscriber.
 */
class ClusterReshardTest {
    /**
     * How long after every server agreed on the slot's new master the nodes may take to work as one again:
     * the failover bound ({@code RedisClusterFailoverTest}). Measured at 20 to 160 ms (a subscription refused
     * on a stale slot map is tried again 0.1 s later, the map reloaded); the slack is for a loaded machine.
     * Without a subscription again on the former master's SUNSUBSCRIBE, B waited for its periodic reload of
     * the slot map (30 s) and this failed.
     */
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    @RegisterExtension
    final ClusterNodes nodes = new ClusterNodes(cluster);

    /** The channel whose slot moves. */
    enum Moved {
        ROOM, NAMESPACE
    }

    /** The classic adapter (null) and the sharded one, each with the room's channel moved and the namespace's. */
    static Stream<Arguments> adaptersAndChannels() {
        return Stream.of(Arguments.of(null, Moved.ROOM), Arguments.of(null, Moved.NAMESPACE),
                Arguments.of(SubscriptionMode.DYNAMIC, Moved.ROOM),
                Arguments.of(SubscriptionMode.DYNAMIC, Moved.NAMESPACE));
    }

    @ParameterizedTest(name = "sharded: {0}, moved: {1}")
    @MethodSource("adaptersAndChannels")
    void nodesCrossAgainAfterASlotMoved(SubscriptionMode sharded, Moved moved) throws Exception {
        String key = "wsm-" + UUID.randomUUID();
        String room = "r1";
        // In the dynamic mode a broadcast to one room goes on the room's own channel; the classic adapter
        // publishes it on that name too (Node's redis adapter).
        String channel = moved == Moved.ROOM ? key + "#/#" + room + "#" : key + "#/#";
        Windsock a = nodes.node(key, sharded, "a");
        Windsock b = nodes.node(key, sharded, "b");
        Client onA = nodes.client(a, "lobby");
        Client onB = nodes.client(b, room);
        assertCross(a, b, room, onA, onB, WAIT);

        long slot = cluster.slot(channel);
        RedisClusterNode from = cluster.master(slot);
        RedisClusterNode to = cluster.otherMaster(from);
        cluster.set(channel, "data the slot carries along"); // a key in the slot, so that MIGRATE moves one
        assertEquals(1, cluster.migrate(slot, to), "keys moved");
        long movedAt = System.nanoTime();

        assertCross(a, b, room, onA, onB, RECOVERY);
        System.out.printf("%s, %s moved: crossing again %d ms after slot %d went from %d to %d%n",
                sharded == null ? "classic" : sharded, moved, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedAt),
                slot, from.getUri().getPort(), to.getUri().getPort());
    }
}
