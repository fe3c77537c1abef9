package io.windsock.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
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
 * <p>On a cluster each master also has a share of {@code max}, as for publishes ({@link CommandsInFlight}): a
 * master that hangs holds its share at most, so the shard subscriptions of the others are still sent at once.
 * Commands on the subscriber's own connection (all of them on one server; on a cluster SUBSCRIBE, PSUBSCRIBE
 * and their undoing, which go to one node) have the whole of {@code max}. Thread-safe.
 */
final class SubscriberCommands {
    /** Under the connections' name, as the rest of what concerns them: one logger to configure. */
    private static final Logger log = Loggers.REDIS;

    /** The places, in all and per master. */
    private final CommandsInFlight inFlight;
    /** Per kind and name, the unsubscriptions sent and not yet answered by Redis (at most {@code max} in all). */
    private final Map<String, Integer> unsubscribing = new ConcurrentHashMap<>();
    /** Commands given up (not answered in time, or not sent): one line per period, not one per room. */
    private final LogThrottle givenUp = new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

    /** @param masters how many masters the cluster's slot map names now (1 on one server) */
    SubscriberCommands(Timer timer, int max, Duration timeout, IntSupplier masters) {
        this.inFlight = new CommandsInFlight(timer, max, timeout, masters);
    }

    void limit(int max, Duration timeout) {
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
        CompletableFuture<?> answered = inFlight.send(master, () -> {
            CompletableFuture<?> command = send.get();
            sent[0] = true;
            return command;
        });
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
