package io.windsock.redis.internal;

import static io.windsock.redis.internal.AclTestUser.await;
import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Rooms created while the sharded adapter closes: none keeps its shard channel subscribed. Before, a room
 * created between close()'s flag and its snapshot of the rooms (or whose entry was not in the map yet)
 * kept its SSUBSCRIBE for the life of the connection. On the real Redis at 127.0.0.1:6379 (or
 * {@code -Dwindsock.redis.uri}).
 */
class ShardedCloseRaceTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));
    private static final int ROUNDS = 30;

    private final String key = "wsc-" + UUID.randomUUID();

    @Test
    void roomsCreatedWhileClosingLeaveNoShardChannelSubscribed() throws Exception {
        RedisAdapterFactory factory = RedisAdapterFactory.builder().uri(REDIS).key(key)
                .sharded(SubscriptionMode.DYNAMIC).requestTimeout(Duration.ofSeconds(5)).build();
        RedisClient adminClient = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> admin = adminClient.connect()) {
            for (int round = 0; round < ROUNDS; round++) {
                ShardedRedisAdapter node = startNode(factory, new RecordingNamespace(Map.of()));
                joinWhileClosing(node, "r" + round + "-");
            }
            try {
                await(() -> admin.sync().pubsubShardChannels(key + "#*").isEmpty(), "every channel unsubscribed");
            } catch (AssertionError e) {
                assertEquals(List.of(), admin.sync().pubsubShardChannels(key + "#*"), "left subscribed");
            }
        } finally {
            factory.close();
            adminClient.shutdown();
        }
    }

    /** Creates rooms on another thread from before close() until after it returned. */
    private static void joinWhileClosing(ShardedRedisAdapter node, String roomPrefix) throws Exception {
        CountDownLatch joining = new CountDownLatch(1);
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread joiner = new Thread(() -> {
            try {
                int after = 0;
                for (int i = 0; after < 20; i++) {
                    node.addAll("s", Set.of(roomPrefix + i));
                    if (i == 20) {
                        joining.countDown();
                    }
                    if (closeReturned.get()) {
                        after++;
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
                joining.countDown();
            }
        });
        joiner.start();
        joining.await(10, TimeUnit.SECONDS);
        node.close();
        closeReturned.set(true);
        joiner.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null) {
            throw new AssertionError("joining failed", failure.get());
        }
    }
}
