package io.windsock.redis.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per period for a kind of event that can come in floods (messages anyone who can
 * publish may send; a subscription refused for every room after an ACL change), the line saying how many
 * events it stands for. Thread-safe.
 */
final class LogThrottle {
    private final long periodNanos;
    private final LongSupplier nanoClock;
    /** Events since the last line. */
    private final AtomicLong since = new AtomicLong();
    /** When the last line was allowed; {@code Long.MIN_VALUE} before the first. */
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    LogThrottle(long periodNanos, LongSupplier nanoClock) {
        this.periodNanos = periodNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one event.
     *
     * @return how many events a line logged now stands for (this one included), or 0 to log nothing
     */
    long count() {
        since.incrementAndGet();
        long now = nanoClock.getAsLong();
        long previous = last.get();
        if ((previous == Long.MIN_VALUE || now - previous >= periodNanos) && last.compareAndSet(previous, now)) {
            return since.getAndSet(0);
        }
        return 0;
    }
}
