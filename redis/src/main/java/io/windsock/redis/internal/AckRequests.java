package io.windsock.redis.internal;

import io.windsock.adapter.BroadcastAckHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * This node's broadcasts with acks that other nodes answer, by request id. Each is forgotten at its
 * timeout, as in Node (nothing here knows when every node's clients answered), or sooner once it is
 * seen done: when an answer completed it, or when a later registration finds it so. Kept until the
 * timeout, a broadcast that completed in milliseconds held every ack it collected for as long as a
 * minute or an hour. Thread-safe.
 */
final class AckRequests {
    private record Entry(BroadcastAckHandler handler, ScheduledFuture<?> timer) {
    }

    private static final int MIN_SWEEP = 32;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Size at which the next registration forgets the broadcasts that are done. */
    private volatile int sweepAt = MIN_SWEEP;

    /** Registers a broadcast until its timeout. */
    void add(String requestId, BroadcastAckHandler handler, Duration timeout) {
        // The timer's task holds the id only: once forgotten, nothing keeps the handler.
        ScheduledFuture<?> timer = RedisTimer.schedule(() -> entries.remove(requestId), timeout);
        Entry entry = new Entry(handler, timer);
        entries.put(requestId, entry);
        if (timer.isDone()) { // a timeout of zero may pass before the entry is there
            entries.remove(requestId, entry);
        }
        if (entries.size() >= sweepAt) {
            entries.forEach((id, other) -> {
                if (other.handler().isDone()) {
                    forget(id, other);
                }
            });
            sweepAt = Math.max(MIN_SWEEP, 2 * entries.size());
        }
    }

    /**
     * Hands an answer to the broadcast it is for, if this node still waits for it, and forgets the broadcast
     * if that completed it.
     *
     * @return whether the broadcast was known
     */
    boolean answer(Object requestId, Consumer<BroadcastAckHandler> action) {
        Entry entry = requestId instanceof String id ? entries.get(id) : null;
        if (entry == null) {
            return false;
        }
        action.accept(entry.handler());
        if (entry.handler().isDone()) {
            forget((String) requestId, entry);
        }
        return true;
    }

    boolean contains(Object requestId) {
        return requestId instanceof String id && entries.containsKey(id);
    }

    /** @return how many broadcasts are remembered (for tests) */
    int size() {
        return entries.size();
    }

    void clear() {
        entries.forEach(this::forget);
    }

    private void forget(String requestId, Entry entry) {
        if (entries.remove(requestId, entry)) {
            entry.timer().cancel(false);
        }
    }
}
