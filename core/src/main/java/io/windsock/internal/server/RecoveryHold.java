package io.windsock.internal.server;

import java.time.Duration;

/**
 * Keeps a dynamic namespace alive while sessions persisted in it may still be recovered: one
 * membership and one timer, however many sockets left, until the window of the last such leave has
 * passed. (A timer per leave made the cost of a namespace grow with its leave rate: a thousand leaves
 * a second held 120,000 timers through a two-minute window.) Thread-safe.
 */
final class RecoveryHold {
    private final Runnable release;
    /** When the hold ends ({@link System#nanoTime()}), while {@link #holding}. */
    private long until;
    private boolean holding;

    /** @param release gives up the membership the hold took; run once per hold, on the timer thread */
    RecoveryHold(Runnable release) {
        this.release = release;
    }

    /**
     * A socket whose session was persisted left: the hold lasts at least {@code window} more.
     *
     * @return whether the socket's membership became the hold; if not, the hold already keeps the
     *         namespace and the caller releases the socket's membership
     */
    boolean extend(Duration window) {
        long at = System.nanoTime() + window.toNanos();
        synchronized (this) {
            if (!holding || at - until > 0) {
                until = at;
            }
            if (holding) {
                return false;
            }
            holding = true;
        }
        Timers.schedule(this::check, window);
        return true;
    }

    private void check() {
        long left;
        synchronized (this) {
            left = until - System.nanoTime();
            if (left <= 0) {
                holding = false;
            }
        }
        if (left > 0) {
            Timers.schedule(this::check, Duration.ofNanos(left)); // extended meanwhile
        } else {
            release.run();
        }
    }
}
