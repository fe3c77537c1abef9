package io.windsock.internal.exec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * The parts of a server's {@code stop(Duration)} that the Socket.IO and the raw Engine.IO servers
 * share, so that both keep one contract: the first call runs the stages, a later one waits for it,
 * a call from a thread the stages wait for does not wait, and the server's own handler executor ends
 * within the timeout or has its running tasks interrupted.
 */
public final class ServerStop {
    /** How long a second stop waits for the first beyond its timeout (the threads' own shutdown). */
    static final Duration GRACE = Duration.ofSeconds(5);

    private ServerStop() {
    }

    /**
     * Runs the stop's stages, or waits for a stop already under way.
     *
     * <p>The current thread waits only if it is none the stages wait for: not one of the server's
     * network threads ({@code onEventLoop}), not a handler (a task of a default executor, of a
     * connection's serial executor, or of a wrapped application executor). From such a thread the
     * first call runs the stages on a thread of its own and returns at once, and a later call returns
     * at once: waiting there would wait for itself (its connection's close waits behind it).
     *
     * @param first       whether this call started the stop: it runs {@code stages}
     * @param done        completed by {@code stages} when they have finished, however they end
     * @param onEventLoop whether the current thread is one of the server's network threads
     * @param timeout     the stop's timeout: a later call waits for the first this long, plus a grace
     */
    public static void run(boolean first, CompletableFuture<Void> done, boolean onEventLoop, Duration timeout,
                           Runnable stages, Logger log) {
        boolean mayWait = !onEventLoop && !HandlerExecutors.isHandlerThread()
                && !SerialExecutor.isRunningTask() && !RetryingExecutor.isRunningTask();
        if (first) {
            if (mayWait) {
                stages.run();
            } else {
                new Thread(stages, "windsock-stop").start();
            }
        } else if (mayWait) {
            try {
                done.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("waiting for the server to stop: {}", e.toString());
            }
        }
    }

    /**
     * Shuts down a server's own handler executor and waits for it until {@code deadlineNanos}; past it
     * (or at once when {@code interrupted}, or when interrupted while waiting) its running tasks are
     * interrupted. Its queued tasks still run, after this returns (see {@link HandlerPool#shutdownNow}).
     *
     * @param interrupted whether the stop was interrupted before: it waits no more
     * @return whether the stop has been interrupted, before or while waiting here
     */
    public static boolean endExecutor(ExecutorService executor, long deadlineNanos, boolean interrupted,
                                      Duration timeout, Logger log) {
        executor.shutdown();
        try {
            if (!interrupted && !executor.awaitTermination(millisLeft(deadlineNanos), TimeUnit.MILLISECONDS)) {
                log.warn("stopping: handler threads still busy after {} ms; interrupting them", timeout.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            executor.shutdownNow();
        }
        return interrupted;
    }

    /** @return the whole milliseconds left until a {@link System#nanoTime()} deadline, at least 0. */
    public static long millisLeft(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
