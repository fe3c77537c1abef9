package io.windsock.internal.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EngineScheduler} on a manual clock, for tests: {@link #execute} queues a task and
 * {@link #advance} moves the clock, running queued tasks and every timer that falls due, in order
 * of due time (then of scheduling). Everything runs on the caller's thread, so {@link #inThread()}
 * is always true. Not thread-safe.
 */
public final class ManualScheduler implements EngineScheduler {
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq));
    private long nowNanos;
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
    public long nanoTime() {
        return nowNanos;
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Timer timer = new Timer(nowNanos + Math.max(0, unit.toNanos(delay)), seq++, task);
        timers.add(timer);
        return () -> timers.remove(timer);
    }

    /** Runs the queued tasks (and those they queue) without moving the clock. */
    public void runPending() {
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
        }
    }

    /** Moves the clock forward, running queued tasks and due timers in order. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        long target = nowNanos + duration.toNanos();
        runPending();
        Timer next;
        while ((next = timers.peek()) != null && next.due() <= target) {
            timers.poll();
            nowNanos = next.due();
            next.task().run();
            runPending();
        }
        nowNanos = target;
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** @return the time since the scheduler was made. */
    public Duration now() {
        return Duration.ofNanos(nowNanos);
    }

    /** @return how many timers are scheduled and not cancelled. */
    public int timerCount() {
        return timers.size();
    }

    /** @return how many tasks wait in the queue. */
    public int queuedCount() {
        return queue.size();
    }
}
