package io.windsock.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The subscriber's commands ((S|P)SUBSCRIBE and their undoing) sent and not yet answered, bounded as
 * {@link CommandsInFlight} bounds publishes: at most {@code max}, past it one is not sent, and each one's stage
 * failed after {@code timeout}. Lettuce holds a shard subscription for a Redis Cluster node that hangs (or that
 * it is still connecting to) for as long as the node hangs, and rooms come and go meanwhile, one channel each:
 * without this, one command per room joined or left waited in memory. A command given up here goes on in
 * Lettuce: {@link Subscriptions} follows its real outcome (a confirmation, a refusal tried again) and only
 * stops waiting for it; what was not sent is made good by a retry.
 *
 * <p>On a cluster each master also has a share of {@code max}: {@code max} divided by the masters of the slot
 * map, rounded up. A master that hangs holds its share at most, so the shard subscriptions of the others are
 * still sent at once: Lettuce has a connection per node, and so does node-redis, whose commands to one node
 * do not wait for another's. Commands on the subscriber's own connection (all of them on one server; on a
 * cluster SUBSCRIBE, PSUBSCRIBE and their undoing, which go to one node) have the whole of {@code max}.
 * Thread-safe.
 */
final class SubscriberCommands {
    /** Under the connections' name, as the rest of what concerns them: one logger to configure. */
    private static final Logger log = Loggers.REDIS;

    private final CommandsInFlight inFlight;
    /** How many masters the cluster's slot map names now; 1 on one server. */
    private final IntSupplier masters;
    private volatile int max;
    /** Per master (by id), its commands sent and not yet answered; none for the subscriber's own connection. */
    private final Map<String, Integer> perMaster = new ConcurrentHashMap<>();
    /** Per kind and name, the unsubscriptions sent and not yet answered by Redis (at most {@code max} in all). */
    private final Map<String, Integer> unsubscribing = new ConcurrentHashMap<>();
    /** Commands given up (not answered in time, or not sent): one line per period, not one per room. */
    private final LogThrottle givenUp = new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

    /** @param masters how many masters the cluster's slot map names now (1 on one server) */
    SubscriberCommands(Timer timer, int max, Duration timeout, IntSupplier masters) {
        this.inFlight = new CommandsInFlight(timer, max, timeout);
        this.masters = masters;
        this.max = max;
    }

    void limit(int max, Duration timeout) {
        this.max = max;
        inFlight.limit(max, timeout);
    }

    /**
     * @param master the id of the master the command goes to (a shard channel's), or null for the subscriber's
     *     own connection
     * @param send sends the command and returns its outcome as Lettuce completes it, followed up by the caller
     * @param notSent called at once when the command is not sent (too many on their way)
     * @return the command's outcome, failed after the timeout or at once when not sent
     */
    CompletableFuture<?> send(String master, Supplier<CompletableFuture<?>> send, Runnable notSent) {
        boolean[] sent = {false};
        CompletableFuture<?> answered;
        int share = share();
        if (master != null && !take(master, share)) {
            answered = CompletableFuture.failedFuture(new RedisException("more than " + share
                    + " commands are waiting for the answer of one Redis Cluster node"));
        } else {
            answered = inFlight.send(() -> {
                CompletableFuture<?> command = send.get();
                sent[0] = true;
                if (master != null) {
                    // its place is the master's until Lettuce ends it, as in the total
                    command.whenComplete((v, error) -> release(master));
                }
                return command;
            });
            if (!sent[0] && master != null) {
                release(master);
            }
        }
        if (!sent[0]) {
            notSent.run();
        }
        return answered.whenComplete((v, error) -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof RedisCommandTimeoutException || !sent[0]) {
                long count = givenUp.count();
                if (count > 0) {
                    log.warn("{} Redis subscription command(s) given up, the last: {} (a node that does not answer?);"
                            + " each goes on, or is tried again, until Redis takes it", count, cause.getMessage());
                }
            }
        });
    }

    /**
     * As {@link #send}, for an unsubscription: while it waits for Redis, {@link #unsubscribing} tells so.
     *
     * @param master as {@link #send}'s
     * @param key the kind and name unsubscribed
     */
    CompletableFuture<?> sendUnsubscribe(String master, String key, Supplier<CompletableFuture<?>> send,
                                         Runnable notSent) {
        return send(master, () -> {
            unsubscribing.merge(key, 1, Integer::sum);
            CompletableFuture<?> command;
            try {
                command = send.get();
            } catch (RuntimeException e) {
                answered(key);
                throw e;
            }
            return command.whenComplete((v, error) -> answered(key));
        }, notSent);
    }

    /** @return how many commands one master may have waiting: its part of {@link #max}, at least 1 */
    private int share() {
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

    private void release(String master) {
        perMaster.computeIfPresent(master, (id, n) -> n == 1 ? null : n - 1);
    }

    private void answered(String key) {
        unsubscribing.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    /** @return whether an unsubscription of this kind and name was sent and Redis has not answered it yet */
    boolean unsubscribing(String key) {
        return unsubscribing.containsKey(key);
    }

    /** @return the commands sent and not yet answered by Redis */
    int count() {
        return inFlight.count();
    }
}
