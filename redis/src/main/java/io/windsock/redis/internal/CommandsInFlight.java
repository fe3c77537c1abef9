package io.windsock.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
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
 *
 * <p>A command sent to one master of a cluster (one routed by its slot) also takes a place among that master's:
 * {@code max} divided by the masters of the slot map, rounded up. A master that hangs holds its share at most,
 * so commands to the others are still sent: Lettuce has a connection per node, and so does node-redis, whose
 * commands to one node do not wait for another's. A command with no master (one server; a command any node
 * takes) has the whole of {@code max}. Thread-safe.
 */
final class CommandsInFlight {
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Per master (by id), its commands sent and not yet answered. */
    private final Map<String, Integer> perMaster = new ConcurrentHashMap<>();
    private final Timer timer;
    /** How many masters the cluster's slot map names now; asked only for a command to a master. */
    private final IntSupplier masters;
    private volatile int max;
    private volatile long timeoutMillis;

    /** Commands with no master of their own: one server. */
    CommandsInFlight(Timer timer, int max, Duration timeout) {
        this(timer, max, timeout, () -> 1);
    }

    /** @param masters how many masters the cluster's slot map names now (1 before it is known) */
    CommandsInFlight(Timer timer, int max, Duration timeout, IntSupplier masters) {
        this.timer = timer;
        this.masters = masters;
        limit(max, timeout);
    }

    void limit(int max, Duration timeout) {
        this.max = max;
        this.timeoutMillis = timeout.toMillis();
    }

    /** As {@link #send(String, Supplier)} for a command with no master of its own. */
    <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> send) {
        return send(null, send);
    }

    /**
     * @param master the id of the master the command goes to, or null when it has none (see above)
     * @param send sends the command (or several, whose answers the returned future joins: they count as one)
     * @return the command's answer, failed at once when too many are on their way, or after the timeout
     */
    <T> CompletableFuture<T> send(String master, Supplier<CompletableFuture<T>> send) {
        int max = this.max;
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new RedisException(
                    "more than " + max + " commands are waiting for Redis's answer"));
        }
        if (master != null) {
            int share = share(max);
            if (!take(master, share)) {
                inFlight.decrementAndGet();
                return CompletableFuture.failedFuture(new RedisException("more than " + share
                        + " commands are waiting for the answer of one Redis Cluster node"));
            }
        }
        CompletableFuture<T> sent;
        try {
            sent = send.get();
        } catch (RuntimeException e) {
            release(master);
            return CompletableFuture.failedFuture(e);
        }
        if (sent.isDone()) {
            release(master);
            return sent;
        }
        CompletableFuture<T> answered = new CompletableFuture<>();
        long millis = timeoutMillis;
        Timeout expiry = timer.newTimeout(t -> answered.completeExceptionally(new RedisCommandTimeoutException(
                "no answer from Redis within " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        sent.whenComplete((answer, error) -> {
            // the place, the master's as the total's, is freed only now: the command was on its way until then
            release(master);
            expiry.cancel();
            if (error == null) {
                answered.complete(answer);
            } else {
                answered.completeExceptionally(error);
            }
        });
        return answered;
    }

    /** @return how many commands one master may have waiting: its part of {@code max}, at least 1 */
    private int share(int max) {
        int n = Math.max(1, masters.getAsInt());
        return (int) ((max + (long) n - 1) / n);
    }

    /** @return whether the master had fewer than {@code share} commands waiting, now one more */
    private boolean take(String master, int share) {
        boolean[] taken = {false};
        perMaster.compute(master, (id, n) -> {
            int waiting = n == null ? 0 : n;
            if (waiting >= share) {
                return n;
            }
            taken[0] = true;
            return waiting + 1;
        });
        return taken[0];
    }

    /** Frees a command's place in the total and, when it had one, in its master's share. */
    private void release(String master) {
        if (master != null) {
            perMaster.computeIfPresent(master, (id, n) -> n == 1 ? null : n - 1);
        }
        inFlight.decrementAndGet();
    }

    /** @return the commands sent and not yet answered */
    int count() {
        return inFlight.get();
    }
}
