package io.windsock.internal.exec;

import io.windsock.internal.log.Loggers;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * A thread of a {@link HandlerPool}; {@link HandlerExecutors#isHandlerThread()} knows it by its class.
 *
 * <p>Threading: {@link #run()} is the worker's own thread. {@link #wake()} and {@link #wakeToExit()} are
 * called by any thread; {@link #countsAsBlocked} only by the pool's {@link HandlerPoolWatch}, which also
 * reads {@link #taskStart} and takes the slot away through {@link #holdsSlot}.
 */
final class HandlerPoolWorker extends HandlerExecutors.HandlerThread {
    private static final Logger log = Loggers.HANDLERS;

    private static final int RUNNING = 0;
    private static final int SLEEPING = 1;
    private static final int WOKEN = 2;
    private static final int RETIRED = 3;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /**
     * A thread beyond the pool's bound, started for completions that no other thread is free to run (see
     * {@link HandlerPool#executeCompletion}): it runs those only, holds no slot, and ends when none waits.
     */
    final boolean completionsOnly;
    /** Counted in {@link HandlerPool#active}; given up by exactly one side: the worker, or the watch when it blocks. */
    final AtomicBoolean holdsSlot;
    /** When the current task started (never 0 while one runs), 0 between tasks. */
    volatile long taskStart;
    /** This thread's state as the kernel tells it, null where it does not; set as the thread starts. */
    private volatile Path kernelState;
    /** The start of the task during which the watch's last look found this thread asleep, else 0; the watch's. */
    private long sleepingTask;

    private final HandlerPool pool;

    HandlerPoolWorker(HandlerPool pool, String name) {
        this(pool, name, false);
    }

    HandlerPoolWorker(HandlerPool pool, String name, boolean completionsOnly) {
        super(name, pool.contextLoader);
        this.pool = pool;
        this.completionsOnly = completionsOnly;
        this.holdsSlot = new AtomicBoolean(!completionsOnly);
    }

    /** Wakes this sleeping worker with the slot the caller took; false if it retired meanwhile. */
    boolean wake() {
        if (state.compareAndSet(SLEEPING, WOKEN)) {
            LockSupport.unpark(this);
            return true;
        }
        return false;
    }

    void wakeToExit() {
        LockSupport.unpark(this);
    }

    /**
     * Whether this worker, whose task has run for {@code runningFor} (over the blocking threshold), is to
     * give up its slot: it waits, or has run long enough that others should take turns with it; not while
     * it runs or waits for a core. Called by the watch.
     *
     * @param start when the task started ({@link #taskStart})
     */
    boolean countsAsBlocked(long start, long runningFor) {
        if (runningFor > pool.blockedAfterNanos * HandlerPool.COMPUTING_FACTOR || getState() != State.RUNNABLE) {
            return true; // BLOCKED, WAITING, TIMED_WAITING: on a monitor, a lock, a future, a sleep
        }
        // RUNNABLE may still wait in a native call (a socket read): only the kernel knows.
        Path state = kernelState;
        if (state == null) {
            return true;
        }
        if (!KernelThreadState.sleeping(state)) {
            sleepingTask = 0;
            return false;
        }
        // A thread stopped for a garbage collection sleeps too, for a moment: the watch, stopped with it, may
        // look first thing after. Asleep at two looks in a row, it waits for something else.
        boolean again = sleepingTask == start;
        sleepingTask = start;
        return again;
    }

    @Override
    public void run() {
        kernelState = KernelThreadState.statFileOfCurrentThread();
        try {
            if (completionsOnly) {
                Runnable task;
                while ((task = pool.completions.poll()) != null) {
                    runTask(task);
                }
            } else {
                while (work() && sleep()) {
                    // woken with a slot: work again
                }
            }
        } finally {
            if (holdsSlot.compareAndSet(true, false)) {
                pool.active.decrementAndGet();
            }
            pool.workerExited(this);
            if (pool.hasQueued()) {
                pool.signalWork(); // a task queued while this thread was leaving
            }
        }
    }

    /** Runs queued tasks while it holds a slot. @return false to end the thread (shut down). */
    private boolean work() {
        for (;;) {
            Runnable task;
            while ((task = pool.nextTask()) != null) {
                runTask(task);
                if (!holdsSlot.get()) {
                    if (!pool.tryTakeSlot()) {
                        break; // counted out while blocked, and the others run: sleep
                    }
                    holdsSlot.set(true); // only the watch changes it otherwise, and only from true
                }
            }
            if (holdsSlot.compareAndSet(true, false)) {
                pool.active.decrementAndGet();
            }
            // A task queued while this thread still held its slot found no free one: look again.
            if (!pool.hasQueued() || !pool.tryTakeSlot()) {
                return !(pool.shutdown && !pool.hasQueued());
            }
            holdsSlot.set(true);
        }
    }

    private void runTask(Runnable task) {
        Thread.interrupted(); // an interrupt meant for a task that has ended must not reach this one
        taskStart = System.nanoTime() | 1;
        try {
            task.run();
        } catch (Throwable t) {
            log.error("uncaught exception in a handler task", t);
        } finally {
            taskStart = 0;
            Thread.interrupted(); // a task's interrupt must not reach the next one
        }
    }

    /** Sleeps until woken with a slot. @return false when the keep-alive ran out or the pool shut down. */
    private boolean sleep() {
        state.set(SLEEPING);
        pool.idle.addFirst(this);
        long deadline = System.nanoTime() + pool.keepAliveNanos;
        while (state.get() == SLEEPING) {
            long left = deadline - System.nanoTime();
            if ((left <= 0 || pool.shutdown) && state.compareAndSet(SLEEPING, RETIRED)) {
                pool.idle.remove(this);
                return false;
            }
            LockSupport.parkNanos(pool, left);
        }
        state.set(RUNNING);
        holdsSlot.set(true); // WOKEN: the waker took a slot for it
        return true;
    }
}
