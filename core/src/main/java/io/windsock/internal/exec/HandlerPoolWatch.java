package io.windsock.internal.exec;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts out the workers of a {@link HandlerPool} blocked in a task so that others run the queue, and at
 * the thread bound starts a thread for completions left waiting. Looks every half threshold while tasks
 * wait; sleeps when none does, and ends after the keep-alive time asleep.
 *
 * <p>Threading: {@link #ensureLooking()} is called by any thread and starts the watch's own thread when
 * there is none; {@link #run()} is that thread, at most one at a time.
 */
final class HandlerPoolWatch implements Runnable {
    private static final int NONE = 0;
    private static final int ASLEEP = 1;
    private static final int LOOKING = 2;

    private final AtomicInteger state = new AtomicInteger(NONE);
    private volatile Thread thread;
    private final HandlerPool pool;
    /** The completion first in line at the last look, if any; this watch's thread only. */
    private Runnable waitingCompletion;

    HandlerPoolWatch(HandlerPool pool) {
        this.pool = pool;
    }

    /** Cheap when already looking: one volatile read per call. */
    void ensureLooking() {
        if (state.get() == LOOKING) {
            return;
        }
        if (state.compareAndSet(ASLEEP, LOOKING)) {
            LockSupport.unpark(thread);
        } else if (state.compareAndSet(NONE, LOOKING)) {
            Thread t = new Thread(null, this, pool.namePrefix + "watch", 0, false); // no inherited thread-locals
            t.setDaemon(true);
            t.setContextClassLoader(pool.contextLoader);
            thread = t;
            try {
                pool.starter.accept(t);
            } catch (Throwable e) {
                // LOOKING with no thread would turn off blocked-handler detection for good: the next
                // call tries again.
                thread = null;
                state.set(NONE);
                pool.startFailed("the handler pool's watch thread", e);
            }
        }
    }

    @Override
    public void run() {
        long sleptSince = 0;
        for (;;) {
            if (!pool.hasQueued() && !pool.shutdown) {
                state.set(ASLEEP);
                if (pool.hasQueued() && state.compareAndSet(ASLEEP, LOOKING)) {
                    continue; // a task came while it was going to sleep
                }
                if (sleptSince == 0) {
                    sleptSince = System.nanoTime();
                }
                LockSupport.parkNanos(this, pool.keepAliveNanos);
                if (state.get() == ASLEEP && System.nanoTime() - sleptSince >= pool.keepAliveNanos
                        && state.compareAndSet(ASLEEP, NONE)) {
                    return;
                }
                continue;
            }
            sleptSince = 0;
            if (pool.shutdown && pool.threads.get() == 0) {
                state.set(NONE);
                return;
            }
            LockSupport.parkNanos(this, pool.blockedAfterNanos / 2);
            countOutBlocked();
        }
    }

    private void countOutBlocked() {
        long now = System.nanoTime();
        for (HandlerPoolWorker w : pool.workers) {
            long start = w.taskStart;
            if (start != 0 && now - start > pool.blockedAfterNanos && w.holdsSlot.get()
                    && w.countsAsBlocked(start, now - start) && w.holdsSlot.compareAndSet(true, false)) {
                pool.active.decrementAndGet();
                pool.signalWork();
            }
        }
        if (pool.hasQueued()) {
            pool.signalWork(); // e.g. a slot freed by a worker that left at the thread bound
        }
        // A completion first in line at two looks in a row, with no thread to be started: every thread may
        // be blocked waiting for what it completes.
        Runnable first = pool.completions.peek();
        if (first != null && first == waitingCompletion && pool.atThreadBound()) {
            pool.startCompletionThread();
            first = null; // give that thread a look's time before starting another
        }
        waitingCompletion = first;
    }
}
