package io.windsock.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The publishes sent to Redis and not yet answered: at most {@code max} (past it a publish fails at once),
 * and each taken as failed after {@code timeout} whatever Lettuce does with it. Lettuce's own bounds do not
 * cover a command for a Redis Cluster node it has no connection to yet: such a command waits for the
 * connection, outside any connection's request queue and past the command timeout, for as long as the node
 * accepts connections and answers nothing (a hung server, a partition that drops packets), so every sharded
 * broadcast to that node's slots piled up, uncounted. A publish given up here may still be on its way, and
 * delivered late once the node answers; its slot is freed only when Lettuce completes it.
 */
final class PublishesInFlight {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer timer;
    private volatile int max;
    private volatile long timeoutMillis;

    PublishesInFlight(Timer timer, int max, Duration timeout) {
        this.timer = timer;
        limit(max, timeout);
    }

    void limit(int max, Duration timeout) {
        this.max = max;
        this.timeoutMillis = timeout.toMillis();
    }

    /** @return the publish {@code send} starts, failed at once when too many are on their way, or after the timeout */
    CompletableFuture<Long> send(Supplier<CompletableFuture<Long>> send) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new RedisException(
                    "more than " + max + " publishes are waiting for Redis's answer"));
        }
        CompletableFuture<Long> sent;
        try {
            sent = send.get();
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
        if (sent.isDone()) {
            inFlight.decrementAndGet();
            return sent;
        }
        CompletableFuture<Long> answered = new CompletableFuture<>();
        long millis = timeoutMillis;
        Timeout expiry = timer.newTimeout(t -> answered.completeExceptionally(new RedisCommandTimeoutException(
                "no answer from Redis within " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        sent.whenComplete((receivers, error) -> {
            inFlight.decrementAndGet();
            expiry.cancel();
            if (error == null) {
                answered.complete(receivers);
            } else {
                answered.completeExceptionally(error);
            }
        });
        return answered;
    }

    /** @return the publishes sent and not yet answered */
    int count() {
        return inFlight.get();
    }
}
