package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When Lettuce learns that a shard channel's slot has a new master, it publishes the new slot map before it
 * routes by it: the channel is subscribed again on the master the new map names at once, instead of on the
 * one Lettuce still routes to (after a failover, the dead master: a failure, then a retry). On a Redis
 * Cluster of three masters with a replica each; the new map is the test's, published on the client's event
 * bus while the client's own map (which routes) stays the old one, as in the moment after a real change.
 * Its new master is the old master's replica, which serves its master's shard channels.
 */
class ClusterSlotMoveTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    private RedisConnections redis;

    @AfterEach
    void close() throws Exception {
        if (redis != null) {
            redis.close().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aMovedChannelIsSubscribedOnTheNewMapsMaster() throws Exception {
        // A client that reloads its slot map only when told: it keeps routing by the old one.
        RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(false).disableAllAdaptiveRefreshTriggers().build())
                .build());
        redis = new RedisConnections(client, true);
        @SuppressWarnings("unchecked")
        StatefulRedisClusterPubSubConnection<byte[], byte[]> subscriber = (StatefulRedisClusterPubSubConnection<byte[], byte[]>)
                redis.subscriberConnection().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        BlockingQueue<String> confirmedBy = new LinkedBlockingQueue<>();
        subscriber.addListener(new RedisClusterPubSubAdapter<byte[], byte[]>() {
            @Override
            public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                confirmedBy.add(node.getNodeId());
            }
        });

        String channel = "wsm-" + UUID.randomUUID() + "#/#";
        int slot = (int) cluster.slot(channel);
        RedisClusterNode master = cluster.master(slot);
        redis.ssubscribe(List.of(channel), (from, message) -> {
        }).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(master.getNodeId(), confirmedBy.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        RedisClusterNode replica = cluster.liveReplica(master);
        client.getResources().eventBus().publish(new ClusterTopologyChangedEvent(
                copies(client.getPartitions()), movedTo(client.getPartitions(), slot, master, replica)));
        assertEquals(replica.getNodeId(), confirmedBy.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                "subscribed again on the new map's master, not where the client still routes");
    }

    private static List<RedisClusterNode> copies(Iterable<RedisClusterNode> nodes) {
        List<RedisClusterNode> copies = new ArrayList<>();
        nodes.forEach(node -> copies.add(new RedisClusterNode(node)));
        return copies;
    }

    /** @return a copy of the slot map in which one slot moved from one node to another */
    private static List<RedisClusterNode> movedTo(Iterable<RedisClusterNode> nodes, int slot, RedisClusterNode from,
                                                  RedisClusterNode to) {
        List<RedisClusterNode> moved = copies(nodes);
        for (RedisClusterNode node : moved) {
            List<Integer> slots = new ArrayList<>(node.getSlots());
            if (node.getNodeId().equals(from.getNodeId())) {
                slots.remove(Integer.valueOf(slot));
            } else if (node.getNodeId().equals(to.getNodeId())) {
                slots.add(slot);
            }
            node.setSlots(slots);
        }
        return moved;
    }
}
