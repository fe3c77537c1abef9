package io.windsock.internal.server;

import io.windsock.internal.engine.ReadSwitch;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Pauses reading one connection while it has too many events queued (its {@link InboundQueue}): a
 * Socket.IO connection's carrier, or a raw Engine.IO session.
 *
 * <p>The queue goes over and under from different threads; the gate applies the result on the
 * session's thread, reading the count there, so the last change always wins whatever order the
 * calls arrive in.
 */
final class ReadGate {
    private final ReadSwitch session;
    private final StatsCounters stats;
    // Updaters, not atomic objects: one gate per connection.
    private static final AtomicIntegerFieldUpdater<ReadGate> SOCKETS_OVER =
            AtomicIntegerFieldUpdater.newUpdater(ReadGate.class, "socketsOver");
    private static final AtomicIntegerFieldUpdater<ReadGate> APPLY_QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(ReadGate.class, "applyQueued");
    /** How many of the connection's sockets are over their high-water mark. */
    private volatile int socketsOver;
    /** 1 while an {@link #apply} task is queued on the session's thread. */
    private volatile int applyQueued;
    /** What was last applied. Session thread. */
    private boolean paused;

    ReadGate(ReadSwitch session, StatsCounters stats) {
        this.session = session;
        this.stats = stats;
    }

    void socketOver() {
        SOCKETS_OVER.incrementAndGet(this);
        update();
    }

    void socketUnder() {
        SOCKETS_OVER.decrementAndGet(this);
        update();
    }

    private void update() {
        if (session.scheduler().inThread()) {
            apply(); // on the read path: pause before the next read, not after a hop
        } else if (APPLY_QUEUED.compareAndSet(this, 0, 1) && !session.scheduler().tryExecute(this::runQueuedApply)) {
            applyQueued = 0; // the network threads are gone: nothing is read any more
        }
    }

    private void runQueuedApply() {
        applyQueued = 0;
        apply();
    }

    private void apply() {
        boolean pause = socketsOver > 0;
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
