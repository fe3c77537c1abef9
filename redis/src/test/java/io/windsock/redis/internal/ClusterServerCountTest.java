package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.windsock.redis.SubscriptionMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server count on a Redis Cluster of three masters with a replica each, where more than one node can
 * tell about a subscription: a shard channel's unsubscription confirmed by another node than its master
 * leaves the node counted once (SHARDNUMSUB). The test's cluster client never reloads its slot map by itself.
 */
class ClusterServerCountTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static LocalRedisCluster cluster;

    /** Closed after the test, the last added first. */
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
    }

    /**
     * The order of a slot move or a failover whose old master survives: the channel's master confirmed this
     * node's subscription, then another node confirms an unsubscription of the same channel (the old master
     * dropping the slot's subscriptions). Here that other node is the master's replica, which serves the
     * master's shard channels: the same pushes on the same subscriber, in that order for sure.
     */
    @Test
    void anotherNodesUnsubscriptionLeavesThisNodeCountedOnce() throws Exception {
        RedisConnections redis = connections();
        String key = "wsc-" + UUID.randomUUID();
        ShardedRedisAdapter adapter = new ShardedRedisAdapter(new RecordingNamespace(Map.of()), redis,
                new ClusterCodec(new ObjectMapper()), key, SubscriptionMode.DYNAMIC, Duration.ofSeconds(2));
        opened.push(adapter::close);
        adapter.init();
        adapter.ready().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(1, count(adapter));

        String channel = key + "#/#";
        RedisClusterNode replica = cluster.liveReplica(cluster.master(cluster.slot(channel)));
        @SuppressWarnings("unchecked")
        StatefulRedisClusterPubSubConnection<byte[], byte[]> subscriber = (StatefulRedisClusterPubSubConnection<byte[], byte[]>)
                redis.subscriberConnection().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // Called after the connections' own listener, added first.
        BlockingQueue<String> unsubscribedBy = new LinkedBlockingQueue<>();
        subscriber.addListener(new RedisClusterPubSubAdapter<byte[], byte[]>() {
            @Override
            public void sunsubscribed(RedisClusterNode node, byte[] shardChannel, long count) {
                unsubscribedBy.add(node.getNodeId());
            }
        });
        RedisPubSubCommands<byte[], byte[]> onReplica = subscriber.getConnection(replica.getNodeId()).sync();
        onReplica.ssubscribe(bytes(channel));
        onReplica.sunsubscribe(bytes(channel));
        assertEquals(replica.getNodeId(), unsubscribedBy.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        assertEquals(1, count(adapter), "counted once: by its master's SHARDNUMSUB, not again by itself");
    }

    /** Connections with their own cluster client, which reloads its slot map only when told. */
    private RedisConnections connections() throws Exception {
        RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(false).disableAllAdaptiveRefreshTriggers().build())
                .build());
        RedisConnections redis = new RedisConnections(client, true);
        opened.push(() -> redis.close().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        redis.connected().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return redis;
    }

    private static int count(ShardedRedisAdapter adapter) throws Exception {
        return adapter.serverCount().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
