package io.windsock.internal.exec;

import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;

/**
 * An application's handler executor, made never to refuse a task. A connection's tasks carry its
 * bookkeeping (an event handled lets its read gate resume reading; a close's last task counts the
 * socket out, which a stop waits for), so a task an executor rejects cannot simply be dropped, and
 * cannot run on the caller either, which may be a network thread.
 *
 * <p>A rejected task is offered again after {@link #FIRST_RETRY_NANOS} (10 ms), the wait doubling up
 * to {@link #MAX_RETRY_NANOS} (1 s) while the executor keeps refusing: a bounded executor that is
 * full (a {@code ThreadPoolExecutor} with the abort policy) thus takes the task once it has room. A
 * connection's tasks stay in order, since it has one task in the executor at a time. What waits is
 * bounded as the executor's own queue is: a connection whose events wait stops being read.
 *
 * <p>An executor whose {@code execute} throws anything else is treated the same way, the failure
 * being as likely to pass: a {@code ThreadPoolExecutor} that cannot start a thread throws
 * {@code OutOfMemoryError: unable to create native thread}. Thrown on, it would reach a network thread
 * and leave the connection's tasks waiting for a turn that never comes. Only a task that started (an
 * executor that runs it on the caller) and threw is not offered again: that failure is the task's,
 * and it reaches the caller as before.
 *
 * <p>An {@link ExecutorService} that was shut down never takes a task again: its tasks then run on the
 * retry thread, one at a time, so that closes complete and a stop does not wait for ever.
 *
 * <p>Each case is logged at WARN, rate-limited. The retry thread is shared, started on the first
 * refusal, and ends after 60 s without work.
 */
public final class RetryingExecutor implements Executor {
    private static final Logger log = Loggers.HANDLERS;
    private static final RateLimitedLog warnings = new RateLimitedLog(log);
    static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Set while the current thread runs a task of a {@code RetryingExecutor}. */
    private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();

    private final Executor delegate;

    private RetryingExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the application's executor, wrapped so that it never rejects (once: a wrapper is returned as is) */
    public static Executor wrap(Executor applicationExecutor) {
        return applicationExecutor instanceof RetryingExecutor ? applicationExecutor : new RetryingExecutor(applicationExecutor);
    }

    @Override
    public void execute(Runnable task) {
        offer(new Task(Objects.requireNonNull(task, "task")), FIRST_RETRY_NANOS);
    }

    private void offer(Task task, long delayNanos) {
        try {
            delegate.execute(task);
        } catch (RuntimeException | Error e) {
            if (task.started != 0) {
                throw e; // run on this thread, and thrown by the task: not a refusal
            }
            refused(task, delayNanos, e);
        }
    }

    private void refused(Task task, long delayNanos, Throwable e) {
        if (delegate instanceof ExecutorService service && service.isShutdown()) {
            warnings.warn("executor-shut-down", "the handler executor was shut down before the server stopped;"
                    + " its connections' remaining tasks run on {} instead ({})", RetryThread.NAME, e.toString());
            RetryThread.TIMER.execute(() -> runLogged(task));
            return;
        }
        long delayMillis = TimeUnit.NANOSECONDS.toMillis(delayNanos);
        if (e instanceof RejectedExecutionException) {
            warnings.warn("executor-rejected", "the handler executor rejected a task; it is offered again in {} ms ({})",
                    delayMillis, e.toString());
        } else {
            warnings.warn("executor-failed", "the handler executor failed to take a task; it is offered again in {} ms",
                    delayMillis, e); // unexpected: with its stack trace
        }
        long next = Math.min(delayNanos * 2, MAX_RETRY_NANOS);
        RetryThread.TIMER.schedule(() -> retry(task, next), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void retry(Task task, long nextDelayNanos) {
        try {
            offer(task, nextDelayNanos);
        } catch (Throwable t) {
            log.error("uncaught exception in a handler task", t); // run here by the executor, and it threw
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("uncaught exception in a handler task", t);
        }
    }

    /**
     * @return whether the current thread is running a task the server gave the application's executor:
     *         a socket's turn, and also what runs outside one (an ack's completion, an error-hook call)
     */
    public static boolean isRunningTask() {
        return RUNNING.get() != null;
    }

    /**
     * A task handed to the application's executor: knows whether it started, so that it is never
     * offered twice, and marks its thread while it runs, so that a stop called there does not wait for
     * tasks queued behind itself.
     */
    private static final class Task implements Runnable {
        private static final AtomicIntegerFieldUpdater<Task> STARTED =
                AtomicIntegerFieldUpdater.newUpdater(Task.class, "started");
        private final Runnable task;
        /** 1 once run: an executor may queue a task and still throw (a thread that failed to start),
         *  and the task is then offered again, so it may be handed over twice; it runs once. */
        volatile int started;

        Task(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!STARTED.compareAndSet(this, 0, 1)) {
                return;
            }
            Boolean outer = RUNNING.get(); // an executor that runs tasks on the caller may nest them
            RUNNING.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                if (outer == null) {
                    RUNNING.remove();
                }
            }
        }
    }

    /** The shared retry thread: created on first use (the holder idiom), gone after 60 s idle. */
    private static final class RetryThread {
        static final String NAME = "windsock-executor-retry";
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                // Shared by every server in the JVM, so it takes nothing of the thread that made it
                // start (one server's thread-locals, its application's loader) but Windsock's own loader.
                Thread thread = new Thread(null, runnable, NAME, 0, false);
                thread.setDaemon(true);
                thread.setContextClassLoader(RetryingExecutor.class.getClassLoader());
                return thread;
            });
            timer.setKeepAliveTime(60, TimeUnit.SECONDS);
            timer.allowCoreThreadTimeOut(true);
            return timer;
        }
    }
}
