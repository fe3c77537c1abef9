package io.windsock.internal.exec;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. One per connection: its
 * callbacks stay ordered while different connections run in parallel. A task that throws is logged
 * and does not stop the ones after it.
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    /** Tasks run per turn before yielding the pool thread, so a busy connection cannot starve others. */
    private static final int BATCH = 64;
    /** Set while the current thread runs a task of some serial executor (a connection's handler). */
    private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while a drain is scheduled or running on the delegate. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public SerialExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return whether the current thread is running a task of a serial executor (a handler). */
    public static boolean isRunningTask() {
        return RUNNING.get() != null;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task"));
        schedule();
    }

    /**
     * Runs the task on the calling thread if this executor is idle (nothing queued, no drain scheduled
     * or running), else queues it as {@link #execute} does: a task never overtakes one submitted
     * before it, and never runs beside another of this executor's. For handlers declared
     * non-blocking, called on the connection's event loop, which then skips the hand-off to the pool.
     */
    public void executeHereIfIdle(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
            execute(task);
            return;
        }
        runTurn(task); // tasks submitted meanwhile (by the task, or another thread) follow on the delegate
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                // Only an application-supplied executor rejects (the default pool runs late tasks inline).
                log.error("the handler executor rejected a connection's tasks; {} tasks dropped", tasks.size(), e);
                tasks.clear();
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
                    Runnable task = tasks.poll();
                    if (task == null) {
                        break;
                    }
                    runLogged(task);
                }
            }
        } finally {
            if (outer == null) {
                RUNNING.remove();
            }
            scheduled.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("uncaught exception in a connection task", t);
        }
    }
}
