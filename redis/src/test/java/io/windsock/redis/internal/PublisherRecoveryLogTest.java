package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.windsock.testing.CapturedStderr;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publish can fail while the publisher stays connected (its request queue full): the outage warning
 * that follows must get its end logged at a publish that works, not only at a reconnect that may never
 * come; once no publish has failed for a period (10 s, on a clock the test moves), so that a publisher
 * failing and working by turns logs one outage. (slf4j-simple writes to System.err, looked up at each line.)
 */
class PublisherRecoveryLogTest {
    private static final RedisURI REDIS = RedisURI.create("redis://127.0.0.1:6379");
    @RegisterExtension
    final CapturedStderr stderr = new CapturedStderr();
    private RedisConnections redis;

    @AfterEach
    void close() throws Exception {
        if (redis != null) {
            redis.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private List<String> publisherLines() {
        return stderr.lines().stream().filter(line -> line.contains("publishing to Redis")).toList();
    }

    /** Publishes until one goes through: Lettuce frees a queue slot just after the command's answer. */
    private void publishUntilOneWorks(char payload) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                redis.publish("windsock-test#publisher-log", new byte[] {(byte) payload}).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.yield();
            }
        }
    }

    private void publishBurst() throws Exception {
        List<CompletableFuture<Long>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(redis.publish("windsock-test#publisher-log", new byte[] {'x'}).toCompletableFuture());
        }
        CompletableFuture.allOf(burst.stream().map(f -> f.handle((n, e) -> n)).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPublishThatWorksAfterAFullQueueEndsTheOutage() throws Exception {
        RedisClient client = RedisClient.create(OwnedLettuce.resources());
        client.setOptions(ClientOptions.builder().requestQueueSize(1).build());
        redis = new RedisConnections(client, REDIS, true);
        AtomicLong clock = new AtomicLong();
        redis.publishOutage(new PublishOutage(TimeUnit.SECONDS.toNanos(10), clock::get));
        redis.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);

        publishBurst();
        assertTrue(redis.unpublishedCount() > 0, "a queue of one refused some of 200 publishes at once");
        // a publish's stage completes once its outcome is logged
        publishUntilOneWorks('y');
        long unpublished = redis.unpublishedCount();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        publishBurst();
        publishUntilOneWorks('z');
        assertTrue(redis.unpublishedCount() > unpublished, "the second burst failed in part too");
        List<String> lines = publisherLines();
        assertEquals(1, lines.size(), "failing and working by turns is one outage: " + lines);
        assertTrue(lines.get(0).contains(" WARN io.windsock.redis - publishing to Redis failed"), lines::toString);

        // 10 s later a publish that works ends it; one that fails (Lettuce frees its slot just after the
        // last answer) is a failure like any other, and needs another 10 s.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (publisherLines().size() < 2 && System.nanoTime() < deadline) {
            clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
            redis.publish("windsock-test#publisher-log", new byte[] {'w'}).toCompletableFuture()
                    .handle((n, e) -> n).get(10, TimeUnit.SECONDS);
        }
        lines = publisherLines();
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(1).contains(" INFO io.windsock.redis - publishing to Redis works again"), lines::toString);
    }
}
