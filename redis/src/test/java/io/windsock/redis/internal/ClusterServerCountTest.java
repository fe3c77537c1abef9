package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.windsock.redis.SubscriptionMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server count on a Redis Cluster of three masters with a replica each, where more than one node can
 * tell about a subscription: a shard channel's unsubscription confirmed by another node than its master
 * leaves the node counted once (SHARDNUMSUB); and PUBSUB NUMSUB asks a node suspected of having failed,
 * which counts if it answers and costs a bounded wait if it does not. The test's cluster client never
 * reloads its slot map by itself, so that a flag the test sets in it stays.
 */
class ClusterServerCountTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    /** Closed after the test, the last added first. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private RedisClusterClient client;

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

    /**
     * Leaving a channel forgets every node's confirmation of it, not only the one of the node that answered:
     * a dead former master never confirms the unsubscription of what moved away from it. Here the other
     * node's confirmation is the master's replica's, made by the test on the same subscriber.
     */
    @Test
    void leavingAChannelForgetsEveryNodesConfirmation() throws Exception {
        RedisConnections redis = connections();
        String channel = "wsc-" + UUID.randomUUID() + "#/#";
        RedisConnections.Listener listener = (ch, message) -> { };
        redis.ssubscribe(List.of(channel), listener).toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        RedisClusterNode replica = cluster.liveReplica(cluster.master(cluster.slot(channel)));
        @SuppressWarnings("unchecked")
        StatefulRedisClusterPubSubConnection<byte[], byte[]> subscriber = (StatefulRedisClusterPubSubConnection<byte[], byte[]>)
                redis.subscriberConnection().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // Called after the connections' own listener, added first: Lettuce tells its listeners of a push after
        // it completed the command, on that node connection's thread.
        BlockingQueue<String> subscribedBy = new LinkedBlockingQueue<>();
        subscriber.addListener(new RedisClusterPubSubAdapter<byte[], byte[]>() {
            @Override
            public void ssubscribed(RedisClusterNode node, byte[] shardChannel, long count) {
                subscribedBy.add(node.getNodeId());
            }
        });
        subscriber.getConnection(replica.getNodeId()).sync().ssubscribe(bytes(channel));
        ClusterNodes.eventually(System.nanoTime() + WAIT.toNanos(), () -> assertTrue(
                subscribedBy.contains(replica.getNodeId()), "the replica's confirmation recorded"));
        assertEquals(List.of(channel), redis.keptShardChannels());

        redis.sunsubscribe(List.of(channel), listener).toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(List.of(), redis.keptShardChannels(), "nothing to unsubscribe on a reconnection");
    }

    /** A cluster bus blip makes a live node suspected (PFAIL) by the others: its subscribers still count. */
    @Test
    void aSuspectedNodeThatAnswersIsCounted() throws Exception {
        RedisConnections redis = connections();
        String channel = "wsc-" + UUID.randomUUID() + "-request#/#";
        RedisClusterNode suspect = someReplica();
        subscribeOn(suspect, channel);
        assertEquals(1, numsub(redis, channel, WAIT));

        flagSuspected(suspect);
        assertEquals(1, numsub(redis, channel, WAIT), "the suspected node's subscriber");
    }

    /** A suspected node that is truly gone (here: hung, it accepts connections and answers nothing). */
    @Test
    void aSuspectedNodeThatDoesNotAnswerCostsABoundedWait() throws Exception {
        RedisConnections redis = connections();
        String channel = "wsc-" + UUID.randomUUID() + "-request#/#";
        RedisClusterNode hung = someReplica();
        RedisClusterNode live = cluster.master(0);
        subscribeOn(live, channel);
        subscribeOn(hung, channel);
        assertEquals(2, numsub(redis, channel, WAIT));

        flagSuspected(hung);
        Duration suspectWait = Duration.ofMillis(300);
        cluster.pause(hung); // for less than the cluster's node timeout: no failover, no flag of the cluster's own
        try {
            long start = System.nanoTime();
            // the client's command timeout is a minute: only the wait for the suspect bounds this
            assertEquals(1, numsub(redis, channel, Duration.ofSeconds(1).plus(suspectWait), suspectWait),
                    "the live node's subscriber only");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= suspectWait.toMillis(), "asked the suspect, and waited for it: " + millis + " ms");
        } finally {
            cluster.resume(hung);
        }
    }

    /**
     * The whole cluster hung: the server counts nobody answers (NUMSUB over the nodes, SHARDNUMSUB) fail after
     * the request timeout, not the client's command timeout (a minute here), nor never, as one asked of a
     * node Lettuce is still connecting to did; and past the limit one fails at once, so that a count behind
     * each request to the other nodes cannot pile up while the hang lasts.
     */
    @Test
    void serverCountsNobodyAnswersAreBoundedInTimeAndNumber() throws Exception {
        RedisConnections redis = connections();
        Duration timeout = Duration.ofSeconds(1);
        redis.limitCommands(2, timeout);
        String channel = "wsc-" + UUID.randomUUID() + "-request#/#";
        cluster.pauseEvery();
        opened.push(cluster::resumeEvery); // before the connections close: closing them waits for Redis
        long start = System.nanoTime();
        CompletableFuture<Long> count = redis.numsub(channel, timeout).toCompletableFuture();
        CompletableFuture<Long> shardCount = redis.shardNumsub(channel).toCompletableFuture();
        CompletableFuture<Long> pastTheLimit = redis.numsub(channel, timeout).toCompletableFuture();
        assertTrue(pastTheLimit.isCompletedExceptionally(), "past the limit: failed at once");
        assertTrue(failure(pastTheLimit).getMessage().contains("more than 2 commands"), failure(pastTheLimit).toString());

        Duration within = timeout.plusSeconds(3); // slack for a loaded machine
        assertInstanceOf(RedisCommandTimeoutException.class, failure(count, within));
        assertInstanceOf(RedisCommandTimeoutException.class, failure(shardCount, within));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= timeout.toMillis(), "failed by the timeout: " + millis + " ms");
        assertEquals(2, redis.commandsInFlight(), "still on their way in Lettuce, and still counted");
        cluster.resumeEvery();
        ClusterNodes.eventually(System.nanoTime() + WAIT.toNanos(),
                () -> assertEquals(0, redis.commandsInFlight(), "their places freed once Lettuce ended them"));
    }

    private static Throwable failure(CompletableFuture<?> future) {
        return failure(future, WAIT);
    }

    private static Throwable failure(CompletableFuture<?> future, Duration within) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> future.get(within.toMillis(), TimeUnit.MILLISECONDS));
        return failed.getCause();
    }

    /** Connections with their own cluster client, which reloads its slot map only when told. */
    private RedisConnections connections() throws Exception {
        client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(false).disableAllAdaptiveRefreshTriggers().build())
                .build());
        RedisConnections redis = new RedisConnections(client, true);
        opened.push(() -> redis.close().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        redis.connected().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return redis;
    }

    private static RedisClusterNode someReplica() {
        return cluster.liveReplica(cluster.master(0));
    }

    /** Subscribes a client of its own to a channel on one node, as a node of another server would. */
    private void subscribeOn(RedisClusterNode node, String channel) {
        RedisClient plain = RedisClient.create();
        opened.push(plain::shutdown);
        StatefulRedisPubSubConnection<String, String> subscriber = plain.connectPubSub(node.getUri());
        opened.push(subscriber::close);
        subscriber.sync().subscribe(channel);
    }

    /** Marks a node as PFAIL in the client's slot map, as a refresh during a cluster bus blip would. */
    private void flagSuspected(RedisClusterNode node) {
        RedisClusterNode known = client.getPartitions().getPartitionByNodeId(node.getNodeId());
        Set<RedisClusterNode.NodeFlag> flags = EnumSet.copyOf(known.getFlags());
        flags.add(RedisClusterNode.NodeFlag.EVENTUAL_FAIL);
        known.setFlags(flags);
    }

    private static long numsub(RedisConnections redis, String channel, Duration within) throws Exception {
        return numsub(redis, channel, within, Duration.ofSeconds(1));
    }

    private static long numsub(RedisConnections redis, String channel, Duration within, Duration suspectWait)
            throws Exception {
        return redis.numsub(channel, suspectWait).toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int count(ShardedRedisAdapter adapter) throws Exception {
        return adapter.serverCount().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
