package io.windsock.internal.sio1;

import io.windsock.internal.engine.EngineScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/** A scheduler on a manual clock: tasks and due timers run on the caller's thread when the clock moves. */
final class ManualClock implements EngineScheduler {
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq));
    private long now;
    private long seq;

    private record Timer(long due, long seq, Runnable task) {
    }

    @Override
    public boolean inThread() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Timer timer = new Timer(now + unit.toNanos(delay), seq++, task);
        timers.add(timer);
        return () -> timers.remove(timer);
    }

    void runPending() {
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
        }
    }

    void advanceMillis(long millis) {
        long target = now + Duration.ofMillis(millis).toNanos();
        runPending();
        Timer next;
        while ((next = timers.peek()) != null && next.due() <= target) {
            timers.poll();
            now = next.due();
            next.task().run();
            runPending();
        }
        now = target;
    }
}
