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
 * The commands that ask Redis for an answer (publishes, subscriber counts) sent and not yet answered: at most
 * {@code max} (past it one fails at once), and each taken as failed after {@code timeout} whatever Lettuce
 * does with it. Lettuce's own bounds do not cover a command for a Redis Cluster node it has no connection to
 * yet: such a command waits for the connection, outside any connection's request queue and past the command
 * timeout, for as long as the node accepts connections and answers nothing (a hung server, a partition that
 * drops packets). So every sharded broadcast to that node's slots piled up, uncounted, and so did the server
 * count behind each request to the other nodes (the request itself ended by its own timeout). A command given up
 * here may still be on its way, and carried out late once the node answers; its slot is freed only when
 * Lettuce completes it.
 */
final class CommandsInFlight {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer timer;
    private volatile int max;
    private volatile long timeoutMillis;

    CommandsInFlight(Timer timer, int max, Duration timeout) {
        this.timer = timer;
        limit(max, timeout);
    }

    void limit(int max, Duration timeout) {
        this.max = max;
        this.timeoutMillis = timeout.toMillis();
    }

    /**
     * @param send sends the command (or several, whose answers the returned future joins: they count as one)
     * @return the command's answer, failed at once when too many are on their way, or after the timeout
     */
    <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> send) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new RedisException(
                    "more than " + max + " commands are waiting for Redis's answer"));
        }
        CompletableFuture<T> sent;
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
        CompletableFuture<T> answered = new CompletableFuture<>();
        long millis = timeoutMillis;
        Timeout expiry = timer.newTimeout(t -> answered.completeExceptionally(new RedisCommandTimeoutException(
                "no answer from Redis within " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        sent.whenComplete((answer, error) -> {
            inFlight.decrementAndGet();
            expiry.cancel();
            if (error == null) {
                answered.complete(answer);
            } else {
                answered.completeExceptionally(error);
            }
        });
        return answered;
    }

    /** @return the commands sent and not yet answered */
    int count() {
        return inFlight.get();
    }
}
