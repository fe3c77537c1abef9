package io.windsock.internal.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The single thread a session's state lives on, and its timers. In production a Netty event loop;
 * in tests a manual clock. Every {@link EngineSession} method that changes state runs here.
 */
public interface EngineScheduler extends Executor {
    /** @return whether the caller runs on this scheduler's thread. */
    boolean inThread();

    /**
     * Runs {@code task} on this thread soon, in one pass with every other task handed here the same
     * way since the last pass: many threads sending to many connections of one thread then cost that
     * thread one wake-up and one task, not one per connection. Tasks run in the order given. Any thread.
     *
     * <p>The caller hands a task over at most once until it has started running (it keeps a flag of
     * its own), which bounds what waits here by the number of the thread's connections. A task that
     * throws is logged; the pass goes on. The default is {@link #execute}, a task of its own.
     */
    default void executeBatched(Runnable task) {
        execute(task);
    }

    /**
     * {@link #execute}, telling whether this thread took the task. Any thread.
     *
     * @return false when this thread has ended and refuses tasks (a server releasing its threads, or an
     *         event loop that died of an error): nothing will ever run the task there
     */
    default boolean tryExecute(Runnable task) {
        try {
            execute(task);
            return true;
        } catch (RejectedExecutionException threadGone) {
            return false;
        }
    }

    /** {@link #executeBatched}, telling whether this thread took the task (see {@link #tryExecute}). Any thread. */
    default boolean tryExecuteBatched(Runnable task) {
        try {
            executeBatched(task);
            return true;
        } catch (RejectedExecutionException threadGone) {
            return false;
        }
    }

    /**
     * Runs {@code task} on this thread, or on the caller's once this thread has ended (see
     * {@link #tryExecute}): what closes or releases must still happen. Any thread.
     */
    default void executeOrRunHere(Runnable task) {
        if (!tryExecute(task)) {
            task.run();
        }
    }

    /** @return this scheduler's clock, in nanoseconds (only differences mean anything), as {@link #schedule} counts it. */
    default long nanoTime() {
        return System.nanoTime();
    }

    /**
     * Runs a task once after a delay; the returned handle cancels it (and never throws, the thread
     * ended or not).
     *
     * @throws RejectedExecutionException once this thread has ended (see {@link #tryExecute})
     */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * {@link #schedule}, telling whether this thread took the task (see {@link #tryExecute}). Any thread.
     *
     * @return the handle that cancels it, or null when this thread has ended: nothing will ever run it
     */
    default Cancellable trySchedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return schedule(task, delay, unit);
        } catch (RejectedExecutionException threadGone) {
            return null;
        }
    }

    /** A scheduled task that can be cancelled. Cancelling twice, or after it ran, does nothing. */
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }
}
