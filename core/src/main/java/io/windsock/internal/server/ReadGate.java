package io.windsock.internal.server;

import io.windsock.internal.carrier.Carrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pauses reading one connection while any of its sockets has too many events queued. The pause is
 * per connection (the carrier is what reads), the queues per socket (per namespace).
 *
 * <p>Sockets go over and under from different threads; the gate applies the result on the
 * session's thread, reading the count there, so the last change always wins whatever order the
 * calls arrive in.
 */
final class ReadGate {
    private final Carrier session;
    private final StatsCounters stats;
    /** How many of the connection's sockets are over their high-water mark. */
    private final AtomicInteger socketsOver = new AtomicInteger();
    /** True while an {@link #apply} task is queued on the session's thread. */
    private final AtomicBoolean applyQueued = new AtomicBoolean();
    /** What was last applied. Session thread. */
    private boolean paused;

    ReadGate(Carrier session, StatsCounters stats) {
        this.session = session;
        this.stats = stats;
    }

    void socketOver() {
        socketsOver.incrementAndGet();
        update();
    }

    void socketUnder() {
        socketsOver.decrementAndGet();
        update();
    }

    private void update() {
        if (session.scheduler().inThread()) {
            apply(); // on the read path: pause before the next read, not after a hop
        } else if (applyQueued.compareAndSet(false, true)) {
            try {
                session.scheduler().execute(() -> {
                    applyQueued.set(false);
                    apply();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                applyQueued.set(false); // the network threads are gone: nothing is read any more
            }
        }
    }

    private void apply() {
        boolean pause = socketsOver.get() > 0;
        if (pause == paused) {
            return;
        }
        paused = pause;
        stats.paused(pause);
        if (pause) {
            session.suspendReading();
        } else {
            session.resumeReading();
        }
    }
}
