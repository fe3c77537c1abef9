package io.windsock.redis.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The adapters' request timeouts: one daemon thread for all of them, started on first use and ended
 * after 60 s without work; a cancelled timeout leaves the queue at once (it would otherwise hold what
 * its task refers to until its time). Timeout tasks only complete futures: the work that follows
 * runs where those futures' stages say.
 */
final class RedisTimer {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private RedisTimer() {
    }

    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "windsock-redis-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(60, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
