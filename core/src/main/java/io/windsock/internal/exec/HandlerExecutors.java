package io.windsock.internal.exec;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The default executor for application handlers: on Java 24 and later one virtual thread per task
 * ({@link VirtualThreadExecutor}), before that a pool of platform threads. Virtual threads wait for
 * Java 24 because before it (JEP 491) a virtual thread blocking inside {@code synchronized} holds its
 * carrier thread, and handlers may well block there; with a few carriers that stalls every handler.
 *
 * <p>The rest of this comment is about the pool.
 * <p>Its queue has no fixed capacity on purpose, and is still bounded: every socket submits its
 * work through its own {@link SerialExecutor}, which has at most one task in this queue at a time,
 * and each socket's queue of incoming events is bounded (the server stops reading a connection
 * above a high-water mark). So this queue holds at most one task per live socket, plus error-hook
 * calls and cluster server-side events, each a short task of its own. A fixed capacity would only
 * add a failure mode: a rejected socket task would have to be dropped or run on a network thread.
 *
 * <p>As many pool threads run handlers at once as the machine has cores; a thread whose task has run
 * for over {@link #BLOCKED_AFTER_NANOS} (2 ms) and waits counts as blocked and another takes its place, so
 * blocking handlers get threads of their own, up to {@link #DEFAULT_THREADS}; further tasks wait in
 * the queue, except those completing what blocked handlers wait for ({@link #completions}). A burst of
 * events thus wakes one thread, not one each (see {@link HandlerPool}). Idle threads retire after 60 s.
 *
 * <p>After {@link ExecutorService#shutdown()} (the server stopped), a task submitted late (an ack
 * completing, a future a handler returned completing) runs on the submitting thread instead of
 * being rejected: no {@link java.util.concurrent.RejectedExecutionException} reaches user code and
 * no task is dropped. The server's network threads are gone by then, so that thread is never one.
 */
public final class HandlerExecutors {
    /** Threads of the default executor, both kinds, are named this followed by a number from 1. */
    static final String THREAD_NAME_PREFIX = "windsock-handler-";

    /** The first Java release whose virtual threads do not hold their carrier while blocked in {@code synchronized}. */
    static final int VIRTUAL_THREADS_FROM = 24;

    /** Enough threads that blocking handlers on many connections rarely wait for one another. */
    public static final int DEFAULT_THREADS = 256;

    /** A pool thread whose task has run this long counts as blocked, and another takes its place. */
    static final long BLOCKED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private HandlerExecutors() {
    }

    /**
     * On Java 24+, a virtual thread per task; before, a {@link HandlerPool}: as many running threads as
     * cores plus one per blocked handler, up to {@link #DEFAULT_THREADS}, retired after 60 s idle. Either way
     * a task submitted after shutdown runs on the submitting thread.
     *
     * @param turnEnds the network threads, which wake the pool once at the end of each turn
     */
    public static ExecutorService newDefault(TurnEnds turnEnds) {
        if (Runtime.version().feature() >= VIRTUAL_THREADS_FROM) {
            return VirtualThreadExecutor.create(THREAD_NAME_PREFIX);
        }
        return newPool(DEFAULT_THREADS, 60, TimeUnit.SECONDS, turnEnds);
    }

    /**
     * Where to complete the futures a handler may block on (acks, broadcasts' acks, other nodes'
     * answers): on the default pool, ahead of queued events and beyond its thread bound when every
     * thread is taken, since those may all be handlers waiting for these very completions (see
     * {@link HandlerPool#executeCompletion}); any other executor as it is.
     */
    public static Executor completions(Executor handlerExecutor) {
        return handlerExecutor instanceof HandlerPool pool ? pool::executeCompletion : handlerExecutor;
    }

    /** {@link #newDefault} with another bound and idle time: for tests. */
    static HandlerPool newPool(int maxThreads, long keepAlive, TimeUnit unit, TurnEnds turnEnds) {
        int cores = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), maxThreads));
        return new HandlerPool(cores, maxThreads, keepAlive, unit, BLOCKED_AFTER_NANOS, THREAD_NAME_PREFIX, turnEnds);
    }

    /** @return whether the current thread is one of a default executor's threads (pool or virtual). */
    public static boolean isHandlerThread() {
        Thread current = Thread.currentThread();
        return current instanceof HandlerThread
                || current.getName().startsWith(THREAD_NAME_PREFIX) && VirtualThreadExecutor.isVirtual(current);
    }

    /**
     * The context class loader of every thread of a default executor created now: the current
     * thread's, that is the loader of the thread that builds the server. Those threads take it, and no
     * inheritable thread-locals, whichever thread makes one start (a handler, a network thread, an
     * adapter's client thread): what that thread carries (a request's context, another application's
     * loader in a shared container) would otherwise stay reachable from the executor's threads. The
     * builder's loader rather than Windsock's own: it is the application's, which handlers expect
     * (service lookups, resources) even where Windsock was loaded by a shared parent loader, and the
     * executor, its threads with it, ends with that server.
     */
    static ClassLoader creatorsContextLoader() {
        return Thread.currentThread().getContextClassLoader();
    }

    /** Marks the default pool's threads, so that a blocking call made on one can tell. */
    static class HandlerThread extends Thread {
        /** @param contextLoader see {@link #creatorsContextLoader()} */
        HandlerThread(String name, ClassLoader contextLoader) {
            super(null, null, name, 0, false); // inherits no thread-locals (see creatorsContextLoader)
            setDaemon(true);
            setContextClassLoader(contextLoader);
        }
    }
}
