package io.windsock.redis.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Sends the subscriber's commands in the order of the calls, also when they are made before the connection
 * is open: a namespace removed and created again must not have its new SUBSCRIBE overtaken by the old
 * UNSUBSCRIBE. Guarded by its owner's lock, which {@link #then} is called under and which the commands
 * left out before the first connection ({@code allWhenOpen}) are sent under.
 */
final class SubscriberOrder {
    private final BooleanSupplier notReachedYet;
    /** The subscriber once every command sent so far was dispatched. */
    private CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> order;
    /**
     * Whether commands were left out while Redis could not be reached: the subscriptions are then made from
     * the listener maps when the subscriber opens, instead of replaying one queued step per room created or
     * deleted during the outage (unbounded in a long one).
     */
    private boolean allWhenOpen;
    /** Commands queued on {@link #order} and not yet sent: for tests. */
    private final AtomicInteger queued = new AtomicInteger();

    /**
     * @param opened the subscriber, once open and listened to
     * @param notReachedYet whether the subscriber has not opened after a failed first attempt
     * @param lock the owner's lock
     * @param allWhenOpen sends what the listeners hold, when commands were left out before the first connection
     */
    SubscriberOrder(CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> opened,
                    BooleanSupplier notReachedYet, Object lock,
                    Function<StatefulRedisPubSubConnection<byte[], byte[]>, CompletableFuture<Void>> allWhenOpen) {
        this.notReachedYet = notReachedYet;
        this.order = opened;
        opened.thenAccept(c -> {
            synchronized (lock) {
                if (this.allWhenOpen) {
                    this.allWhenOpen = false;
                    order = order.thenApply(open -> {
                        allWhenOpen.apply(open);
                        return open;
                    });
                }
            }
        });
    }

    /**
     * Sends commands after those of the calls before, once the subscriber is open; or, while Redis has not been
     * reached yet, not at all (see {@link #allWhenOpen}).
     *
     * @return completes when Redis confirmed the commands
     */
    CompletableFuture<Void> then(
            Function<StatefulRedisPubSubConnection<byte[], byte[]>, CompletableFuture<Void>> commands) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        if (notReachedYet.getAsBoolean()) {
            // The maps (updated by the caller) are subscribed at once when the subscriber opens. The caller, a
            // namespace getting ready, must not wait for that.
            allWhenOpen = true;
            confirmed.completeExceptionally(new RedisConnectionException("Redis has not been reached yet"));
            return confirmed;
        }
        queued.incrementAndGet();
        order = order.thenApply(c -> {
            queued.decrementAndGet();
            commands.apply(c).whenComplete((v, error) -> {
                if (error != null) {
                    confirmed.completeExceptionally(error);
                } else {
                    confirmed.complete(null);
                }
            });
            return c;
        });
        order.whenComplete((c, error) -> {
            if (error != null) {
                confirmed.completeExceptionally(error);
            }
        });
        return confirmed;
    }

    /** @return commands queued and not yet sent (for tests) */
    int queued() {
        return queued.get();
    }
}
