package io.windsock.internal.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default executor for application handlers. */
public final class HandlerExecutors {
    /** Enough threads that blocking handlers on many connections rarely wait for one another. */
    public static final int DEFAULT_THREADS = 256;

    private HandlerExecutors() {
    }

    /** Up to {@link #DEFAULT_THREADS} daemon threads, created on demand and retired after 60 s idle. */
    public static ExecutorService newDefault() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_THREADS, DEFAULT_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "windsock-handler-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
