package io.windsock.internal.exec;

import io.windsock.internal.log.Loggers;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. One per connection: its
 * callbacks stay ordered while different connections run in parallel. A task that throws is logged
 * and does not stop the ones after it.
 *
 * <p>Tasks are pushed from any thread onto a chain ({@link #submitted}, newest first, one
 * compare-and-set each); the thread that holds the turn ({@link #scheduled}) takes the whole chain
 * at once into its own list ({@link #taken}, oldest first) and runs from there. An idle executor
 * holds no queue object, only two null fields: every socket has one.
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = Loggers.HANDLERS;
    /** Tasks run per turn before yielding the pool thread, so a busy connection cannot starve others. */
    private static final int BATCH = 64;
    /** Set while the current thread runs a task of some serial executor (a connection's handler). */
    private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();
    private static final AtomicIntegerFieldUpdater<SerialExecutor> SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(SerialExecutor.class, "scheduled");
    private static final AtomicReferenceFieldUpdater<SerialExecutor, Task> SUBMITTED =
            AtomicReferenceFieldUpdater.newUpdater(SerialExecutor.class, Task.class, "submitted");

    private final Executor delegate;
    /** Tasks submitted and not yet taken by a turn, newest first. Any thread. */
    private volatile Task submitted;
    /**
     * Tasks taken by a turn and not yet run, oldest first. Only the holder of the turn reads or writes
     * it; handing the turn over ({@link #scheduled}, then the delegate) publishes it to the next holder.
     */
    private Task taken;
    /** 1 while a turn is scheduled or running (an updater, not an AtomicBoolean: one object fewer per socket). */
    private volatile int scheduled;

    /** One submitted task and its neighbour: the one before it in {@link #submitted}, after it in {@link #taken}. */
    private static final class Task {
        final Runnable runnable;
        Task next;

        Task(Runnable runnable) {
            this.runnable = runnable;
        }
    }

    public SerialExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return whether the current thread is running a task of a serial executor (a handler). */
    public static boolean isRunningTask() {
        return RUNNING.get() != null;
    }

    @Override
    public void execute(Runnable task) {
        submit(task);
        schedule();
    }

    /**
     * Runs the task on the calling thread if this executor is idle (nothing queued, no turn scheduled
     * or running), else queues it as {@link #execute} does: a task never overtakes one submitted
     * before it, and never runs beside another of this executor's. For handlers declared
     * non-blocking, called on the connection's event loop, which then skips the hand-off to the pool.
     */
    public void executeHereIfIdle(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (submitted != null || !SCHEDULED.compareAndSet(this, 0, 1)) {
            execute(task);
            return;
        }
        if (taken != null || submitted != null) {
            // Older tasks are waiting (left by the last turn, or submitted meanwhile): they run first, on the delegate.
            submit(task);
            boolean left = taken != null;
            scheduled = 0;
            if (left || submitted != null) {
                schedule();
            }
            return;
        }
        runTurn(task); // tasks submitted meanwhile (by the task, or another thread) follow on the delegate
    }

    /**
     * The first half of {@link #execute}: queues the task, but gives it no turn. Lock-free, never
     * runs anything, so callable under a lock: the queue order then follows the lock's order. The
     * same thread must call {@link #schedule} next, once it holds no lock (a turn may run tasks
     * inline, on a direct executor); until then the task waits for the next turn anyone gives.
     */
    public void submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        Task node = new Task(task);
        Task current;
        do {
            current = submitted;
            node.next = current;
        } while (!SUBMITTED.compareAndSet(this, current, node));
    }

    /** The second half of {@link #execute}: gives the queued tasks a turn, unless one is scheduled or running. */
    public void schedule() {
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            try {
                delegate.execute(this::drain);
            } catch (RuntimeException | Error e) {
                // Not only a rejection: a thread that cannot start, a broken executor. Thrown on, it would
                // reach the caller (a network thread) and leave this executor's turn taken for good.
                int dropped = 0;
                for (Task t = taken; t != null; t = t.next) {
                    dropped++;
                }
                for (Task t = SUBMITTED.getAndSet(this, null); t != null; t = t.next) {
                    dropped++;
                }
                taken = null;
                scheduled = 0;
                // An application executor is wrapped in RetryingExecutor, which offers a task again
                // whatever the failure, and the pools run late tasks inline and survive failed thread
                // starts: left are an executor given to this class directly, RetryingExecutor unable to
                // start its own thread, and on Java 24+ the JDK refusing a virtual thread (the process is
                // out of resources). The tasks are dropped, not kept for a turn that may never come.
                log.error("the handler executor failed to take a connection's tasks; {} tasks dropped", dropped, e);
            }
        }
    }

    private void drain() {
        runTurn(null);
    }

    /**
     * One turn of this executor on the current thread (which holds {@link #scheduled}): {@code first}
     * if given, else up to {@link #BATCH} queued tasks; then gives the turn back, scheduling another
     * on the delegate if tasks are left.
     */
    private void runTurn(Runnable first) {
        Boolean outer = RUNNING.get();
        RUNNING.set(Boolean.TRUE);
        try {
            if (first != null) {
                runLogged(first);
            } else {
                for (int i = 0; i < BATCH; i++) {
                    Task task = take();
                    if (task == null) {
                        break;
                    }
                    runLogged(task.runnable);
                }
            }
        } finally {
            if (outer == null) {
                RUNNING.remove();
            }
            boolean left = taken != null; // read while the turn is still ours
            scheduled = 0;
            if (left || submitted != null) {
                schedule();
            }
        }
    }

    /** @return the oldest task not yet run, or null. Holder of the turn only. */
    private Task take() {
        Task next = taken;
        if (next == null) {
            if (submitted == null) {
                return null;
            }
            // The chain is newest first: reversed in place, it becomes the turn's list, oldest first.
            for (Task t = SUBMITTED.getAndSet(this, null); t != null; ) {
                Task older = t.next;
                t.next = next;
                next = t;
                t = older;
            }
        }
        taken = next.next;
        return next;
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("uncaught exception in a connection task", t);
        }
    }
}
