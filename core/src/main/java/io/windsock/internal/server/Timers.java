package io.windsock.internal.server;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Timeouts that belong to no connection (a broadcast waiting for acks), or that its network thread
 * may be too busy to run (see {@link SocketAcks#scheduleTimeout}): one daemon thread shared by every
 * server, which exits when no timer is pending. Timer tasks must only hand work to an executor.
 */
public final class Timers {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private Timers() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "windsock-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    public static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }
}
