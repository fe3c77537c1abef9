package io.windsock.benchmarks.load;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/** Calls its action at a fixed rate on the event loop, catching up (never skipping) when late. */
final class Pacer implements Runnable {
    interface Action {
        void fire(long k, long intendedNanos);
    }

    private final EventLoop loop;
    private final long t0 = System.nanoTime();
    private final double intervalNanos;
    private final Action action;
    private long k;
    boolean stopped;

    Pacer(EventLoop loop, double perSecond, Action action) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        this.loop = loop;
        this.intervalNanos = 1e9 / perSecond;
        this.action = action;
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        while (true) {
            long due = t0 + (long) (k * intervalNanos);
            if (due > now) {
                loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                return;
            }
            action.fire(k, due);
            k++;
        }
    }
}
