package io.windsock.internal.server;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Keeps a dynamic namespace alive while sessions persisted in it may still be recovered: one
 * membership and one timer, however many sockets left, until the window of the last such leave has
 * passed. (A timer per leave made the cost of a namespace grow with its leave rate: a thousand leaves
 * a second held 120,000 timers through a two-minute window.) Thread-safe.
 */
final class RecoveryHold {
    private final Runnable release;
    // Guarded by this.
    /** When the hold ends ({@link System#nanoTime()}), while {@link #holding}. */
    private long until;
    private boolean holding;
    /** The pending check, while holding: cancelled when the server stops. */
    private ScheduledFuture<?> timer;
    /** Set when the server stopped: no hold from then on (nothing can be recovered from it). */
    private boolean cancelled;

    /** @param release gives up the membership the hold took; run once per hold, on the timer thread */
    RecoveryHold(Runnable release) {
        this.release = release;
    }

    /**
     * A socket whose session was persisted left: the hold lasts at least {@code window} more.
     *
     * @return whether the socket's membership became the hold; if not, the hold already keeps the
     *         namespace (or the server stopped) and the caller releases the socket's membership
     */
    boolean extend(Duration window) {
        long at = System.nanoTime() + window.toNanos();
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            if (!holding || at - until > 0) {
                until = at;
            }
            if (holding) {
                return false;
            }
            holding = true;
        }
        schedule(window);
        return true;
    }

    /** Whether a hold is on, its timer pending. */
    synchronized boolean isPending() {
        return holding;
    }

    /**
     * The server stopped: the timer goes now, not at the end of the window, so that it does not keep
     * the stopped server's namespace (and the sessions in its adapter) reachable until then. The
     * membership is not given back: the namespace is gone with the server.
     */
    void cancel() {
        ScheduledFuture<?> pending;
        synchronized (this) {
            cancelled = true;
            holding = false;
            pending = timer;
            timer = null;
        }
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule(Duration delay) {
        ScheduledFuture<?> scheduled = Timers.schedule(this::check, delay);
        synchronized (this) {
            if (holding) {
                timer = scheduled;
                return;
            }
        }
        scheduled.cancel(false); // cancelled meanwhile
    }

    private void check() {
        long left;
        synchronized (this) {
            if (!holding) {
                return; // cancelled
            }
            left = until - System.nanoTime();
            if (left <= 0) {
                holding = false;
                timer = null;
            }
        }
        if (left > 0) {
            schedule(Duration.ofNanos(left)); // extended meanwhile
        } else {
            release.run();
        }
    }
}
