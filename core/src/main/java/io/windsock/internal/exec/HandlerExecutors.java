package io.windsock.internal.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for application handlers.
 *
 * <p>Its queue has no fixed capacity on purpose, and is still bounded: every socket submits its
 * work through its own {@link SerialExecutor}, which has at most one task in this queue at a time,
 * and each socket's queue of incoming events is bounded (the server stops reading a connection
 * above a high-water mark). So this queue holds at most one task per live socket, plus error-hook
 * calls and cluster server-side events, each a short task of its own. A fixed capacity would only
 * add a failure mode: a rejected socket task would have to be dropped or run on a network thread.
 *
 * <p>After {@link ExecutorService#shutdown()} (the server stopped), a task submitted late (an ack
 * completing, a future a handler returned completing) runs on the submitting thread instead of
 * being rejected: no {@link java.util.concurrent.RejectedExecutionException} reaches user code and
 * no task is dropped. The server's network threads are gone by then, so that thread is never one.
 */
public final class HandlerExecutors {
    /** Enough threads that blocking handlers on many connections rarely wait for one another. */
    public static final int DEFAULT_THREADS = 256;

    private HandlerExecutors() {
    }

    /** Up to {@link #DEFAULT_THREADS} daemon threads, created on demand and retired after 60 s idle. */
    public static ExecutorService newDefault() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_THREADS, DEFAULT_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> new HandlerThread(r, "windsock-handler-" + count.incrementAndGet()),
                (task, executor) -> task.run());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** @return whether the current thread is one of a default pool's threads. */
    public static boolean isHandlerThread() {
        return Thread.currentThread() instanceof HandlerThread;
    }

    /** Marks the default pool's threads, so that a blocking call made on one can tell. */
    private static final class HandlerThread extends Thread {
        HandlerThread(Runnable task, String name) {
            super(task, name);
            setDaemon(true);
        }
    }
}
