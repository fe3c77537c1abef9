package io.windsock.internal.transport;

import io.netty.channel.EventLoop;
import io.windsock.internal.engine.EngineScheduler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A session's scheduler on the Netty event loop of the connection that opened it. */
public final class NettyScheduler implements EngineScheduler {
    private final EventLoop loop;

    public NettyScheduler(EventLoop loop) {
        this.loop = loop;
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

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> future = loop.schedule(task, delay, unit);
        return () -> future.cancel(false);
    }
}
