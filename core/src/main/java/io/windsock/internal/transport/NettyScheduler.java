package io.windsock.internal.transport;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.windsock.internal.engine.EngineScheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler of the connections on one Netty event loop (the loop of the connection that opened
 * each): one instance per loop, shared by all of them, so that their {@link #executeBatched} tasks
 * run in one pass of the loop.
 */
public final class NettyScheduler implements EngineScheduler {
    /** One per live loop; a loop's entry goes when it terminates. */
    private static final Map<EventLoop, NettyScheduler> BY_LOOP = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final LoopBatch batch;

    private NettyScheduler(EventLoop loop) {
        this.loop = loop;
        this.batch = new LoopBatch(loop);
    }

    /** @return the scheduler of {@code loop}, the same instance for every connection on it. */
    public static NettyScheduler of(EventLoop loop) {
        NettyScheduler scheduler = BY_LOOP.get(loop);
        if (scheduler != null) {
            return scheduler;
        }
        Future<?> termination;
        try {
            termination = loop.terminationFuture();
        } catch (UnsupportedOperationException e) {
            // Netty's EmbeddedEventLoop (tests) cannot tell when it ends: not kept, so never leaked; its
            // connections then batch per connection instead of per loop.
            return new NettyScheduler(loop);
        }
        NettyScheduler fresh = new NettyScheduler(loop);
        scheduler = BY_LOOP.putIfAbsent(loop, fresh);
        if (scheduler != null) {
            return scheduler;
        }
        termination.addListener(f -> BY_LOOP.remove(loop, fresh));
        return fresh;
    }

    /** @return the event loop this session lives on; a WebSocket that upgrades the session moves here. */
    EventLoop loop() {
        return loop;
    }

    /**
     * Runs a task once this loop has looked at its sockets again: a zero-delay scheduled task is
     * taken only at the start of a task batch, which follows an I/O pass (a non-blocking select,
     * since a task is due). So whatever the kernel already holds for this loop's connections is
     * read before the task runs.
     */
    void executeAfterIo(Runnable task) {
        loop.schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean inThread() {
        return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** Queued for this loop's next pass over its connections' batched tasks (see {@link LoopBatch}). */
    @Override
    public void executeBatched(Runnable task) {
        batch.add(task);
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> future = loop.schedule(task, delay, unit);
        return () -> {
            try {
                future.cancel(false);
            } catch (RejectedExecutionException loopGone) {
                // A cancel from another thread hands the removal to the loop; once it has ended, its
                // scheduled tasks went with it (and so did this one).
            }
        };
    }
}
