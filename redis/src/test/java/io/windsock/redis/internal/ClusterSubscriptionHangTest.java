package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.windsock.testing.CapturedStderr;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sharded subscriber's commands on a Redis Cluster that hangs (every server stopped: connections stay
 * open, or are still being made, and nothing answers), as rooms are joined and left meanwhile: their stages
 * fail after the request timeout, not the client's command timeout (a minute here) nor never; at most a
 * master's share of the limit wait at once, past it one is not sent; and once the cluster answers, what the listeners hold is
 * subscribed and what they left is not, whatever the hang left out. The test's cluster client never reloads
 * its slot map by itself.
 */
class ClusterSubscriptionHangTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The longest wait between two tries of a subscription (5 s), with slack for a loaded machine. */
    private static final Duration RETRIED_WITHIN = Duration.ofSeconds(15);
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();

    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();
    /** Closed after the test, the last added first. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void close() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    @Test
    void roomsJoinedAndLeftWhileTheClusterHangsAreBoundedAndMadeGoodOnceItAnswers() throws Exception {
        RedisConnections redis = connections();
        Duration timeout = Duration.ofSeconds(1);
        // The channels share a slot (a hash tag), so a master's share of the limit, 2, is what binds.
        redis.limitCommands(2 * LocalRedisCluster.MASTERS, timeout);
        String prefix = "wsh-{" + UUID.randomUUID() + "}#/#";
        String kept = prefix + "kept#";
        String left = prefix + "left#";
        String churned = prefix + "churned#";
        RedisConnections.Listener listener = (channel, message) -> { };
        cluster.pauseEvery();
        opened.push(cluster::resumeEvery); // before the connections close: closing them waits for Redis

        long start = System.nanoTime();
        CompletableFuture<Void> keptJoined = redis.ssubscribe(List.of(kept), listener).toCompletableFuture();
        CompletableFuture<Void> leftJoined = redis.ssubscribe(List.of(left), listener).toCompletableFuture();
        // Past the limit: not sent, so a subscription the node confirms once it answers is nobody's.
        CompletableFuture<Void> leftLeft = redis.sunsubscribe(List.of(left), listener).toCompletableFuture();
        assertTrue(leftLeft.isCompletedExceptionally(), "past the limit: failed at once");
        // A room joined and left over and over while the node hangs (one channel per room).
        for (int i = 0; i < 1_000; i++) {
            redis.ssubscribe(List.of(churned), listener);
            redis.sunsubscribe(List.of(churned), listener);
        }
        CompletableFuture<Void> churnedJoined = redis.ssubscribe(List.of(churned), listener).toCompletableFuture();
        assertTrue(churnedJoined.isCompletedExceptionally(), "past the limit: failed at once");
        assertTrue(failure(churnedJoined, WAIT).getMessage().contains("more than 2 commands"),
                failure(churnedJoined, WAIT).toString());
        assertTrue(redis.subscriberCommandsInFlight() <= 2, redis.subscriberCommandsInFlight() + " waiting");

        Duration within = timeout.plusSeconds(3); // slack for a loaded machine
        assertInstanceOf(RedisCommandTimeoutException.class, failure(keptJoined, within));
        assertInstanceOf(RedisCommandTimeoutException.class, failure(leftJoined, within));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= timeout.toMillis(), "failed by the timeout: " + millis + " ms");
        assertTrue(redis.subscriberCommandsInFlight() <= 2, redis.subscriberCommandsInFlight() + " waiting");

        cluster.resumeEvery();
        ClusterNodes.eventually(System.nanoTime() + RETRIED_WITHIN.toNanos(), () -> {
            assertEquals(Set.of(kept, churned), Set.copyOf(redis.keptShardChannels()),
                    "the rooms held, and only them, confirmed");
            assertTrue(redis.shardSubscribed(kept) && redis.shardSubscribed(churned), "counted where asked");
            assertEquals(0, redis.subscriberCommandsInFlight(), "every command answered, its place freed");
            assertFalse(cluster.shardChannels(cluster.master(cluster.slot(left))).contains(left),
                    "the room left is not subscribed at its node");
        });
        assertTrue(cluster.shardChannels(cluster.master(cluster.slot(kept))).contains(kept));
        assertTrue(cluster.shardChannels(cluster.master(cluster.slot(churned))).contains(churned));
        long warnings = stderr.lines().stream().filter(line -> line.contains("subscription command")).count();
        assertTrue(warnings >= 1 && warnings <= 2, "logged by the period, not per room:\n" + stderr.text());
    }

    private static Throwable failure(CompletableFuture<?> future, Duration within) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> future.get(within.toMillis(), TimeUnit.MILLISECONDS));
        return failed.getCause();
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
}
