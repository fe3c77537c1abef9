package io.windsock.redis.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Decides when a publish's outcome starts or ends a logged outage of publishing while the publisher
 * stays connected (its request queue full, a command timeout, a hung cluster master). On a cluster,
 * one hung master fails the publishes to its slots while the others' work: an outage that ended at
 * the next publish that worked would be logged as failing and working by turns, a warning and an
 * "works again" every period for as long as the master hangs. So it ends only at a publish that works
 * once none has failed for a whole period. Thread-safe.
 */
final class PublishOutage {
    private final long periodNanos;
    private final LongSupplier nanoClock;
    /** When the last publish failed; meaningless until one has. */
    private volatile long lastFailure;

    PublishOutage(long periodNanos, LongSupplier nanoClock) {
        this.periodNanos = periodNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * @param down whether an outage of the publisher is logged and its end not yet (shared with the
     *             connection's own: a lost connection is an outage too)
     * @return whether this failure starts an outage, to be logged
     */
    boolean failed(AtomicBoolean down) {
        lastFailure = nanoClock.getAsLong();
        return !down.get() && down.compareAndSet(false, true);
    }

    /** @return whether this publish, which worked, ends the logged outage, to be logged */
    boolean worked(AtomicBoolean down) {
        // a plain read first: every publish passes here, and an outage is rare
        return down.get() && nanoClock.getAsLong() - lastFailure >= periodNanos && down.compareAndSet(true, false);
    }
}
