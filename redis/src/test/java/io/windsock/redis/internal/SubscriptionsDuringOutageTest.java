package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.windsock.testing.HeldPort;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions made and dropped while Redis cannot be reached at start-up (rooms created and left
 * during the outage): nothing piles up for them (one queued step each, replayed on connect, used to
 * grow with the outage), and once Redis answers, what is subscribed then is what the listeners hold.
 */
class SubscriptionsDuringOutageTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));

    @Test
    void churnDuringAnOutageQueuesNothingAndTheLastStateIsSubscribedOnConnect() throws Exception {
        // Held, so that nothing else takes the port while Redis is "away" (see HeldPort).
        HeldPort held = HeldPort.hold();
        int port = held.port();
        String prefix = "wso-" + System.nanoTime() + "-";
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        RedisConnections.Listener listener = (channel, message) -> received.add(channel);
        RedisConnections redis = new RedisConnections(RedisClient.create(OwnedLettuce.resources()),
                RedisURI.create("redis://127.0.0.1:" + port), true);
        RedisClient raw = RedisClient.create(REDIS);
        try {
            // Until the first attempt has failed, a subscription waits for it; after, it fails at once.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!redis.subscribe(List.of(prefix + "probe"), prefix + "p*", listener, listener)
                    .toCompletableFuture().isCompletedExceptionally()) {
                assertTrue(System.nanoTime() < deadline, "the first attempt never failed");
                received.poll(10, TimeUnit.MILLISECONDS); // nothing arrives: a paced wait
            }
            int queuedBefore = redis.queuedSubscriberCommands();
            for (int i = 0; i < 10_000; i++) {
                redis.subscribe(List.of(prefix + "room" + i), prefix + "p*", listener, listener);
                if (i % 2 == 1) {
                    redis.unsubscribe(List.of(prefix + "room" + i), prefix + "p*", listener, listener);
                }
            }
            assertEquals(queuedBefore, redis.queuedSubscriberCommands(), "nothing queued for each room");

            held.beforeBind();
            try (TcpForwarder redisBack = new TcpForwarder(port, REDIS.getHost(), REDIS.getPort())) {
                redis.connected().toCompletableFuture().get(20, TimeUnit.SECONDS);
                try (StatefulRedisConnection<byte[], byte[]> publisher = raw.connect(ByteArrayCodec.INSTANCE)) {
                    // Subscribed once the subscriber opened: publish until the kept room's message arrives.
                    String kept = prefix + "room9998";
                    String left = prefix + "room9999";
                    while (true) {
                        publisher.sync().publish(left.getBytes(StandardCharsets.UTF_8), new byte[] {1});
                        publisher.sync().publish(kept.getBytes(StandardCharsets.UTF_8), new byte[] {1});
                        String got = received.poll(100, TimeUnit.MILLISECONDS);
                        assertTrue(got == null || got.equals(kept), () -> "a room left during the outage got " + got);
                        if (got != null) {
                            break;
                        }
                        assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(20), "never subscribed");
                    }
                }
            }
        } finally {
            CompletableFuture<Void> closed = redis.close().toCompletableFuture();
            closed.get(10, TimeUnit.SECONDS);
            raw.shutdown();
            held.close();
        }
    }
}
