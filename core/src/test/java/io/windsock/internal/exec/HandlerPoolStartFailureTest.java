package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Threads that cannot be started (the process out of native threads): the pool loses no run slot and
 * keeps no watch state for a thread that never ran, throws nothing at the submitter, and runs the
 * queued tasks once a thread starts. Real threads.
 */
class HandlerPoolStartFailureTest {
    private static final long BLOCKED_AFTER = TimeUnit.MILLISECONDS.toNanos(2);

    @Test
    void tasksRunOnceThreadsStartAgainAndNothingIsThrownAtTheSubmitter() throws Exception {
        // Enough failures to use up every slot, and the watch's start too, as the old pool did for good.
        AtomicInteger failuresLeft = new AtomicInteger(6);
        HandlerPool pool = pool(2, 8, "test-start-", failing(failuresLeft, t -> true));
        try {
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                try {
                    pool.execute(ran::countDown);
                } catch (Throwable e) {
                    thrown.add(e);
                }
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS), "tasks left: " + ran.getCount());
            assertEquals(0, failuresLeft.get(), "the first starts failed");
            assertEquals(List.of(), thrown, "nothing reaches the submitter");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theWatchTriesAgainWhileATaskWaits() throws Exception {
        // Only workers fail: the one submit's own try fails, and nobody submits again.
        AtomicInteger failuresLeft = new AtomicInteger(3);
        HandlerPool pool = pool(1, 4, "test-retry-", failing(failuresLeft, t -> !t.getName().endsWith("watch")));
        try {
            CountDownLatch ran = new CountDownLatch(1);
            try {
                pool.execute(ran::countDown);
            } catch (Throwable e) {
                // the old pool threw here; the test's point is whether the task still runs
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the queued task runs once a worker starts");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWatchThatFailedToStartIsStartedAgainSoBlockedTasksAreStillCountedOut() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        HandlerPool pool = pool(1, 4, "test-watch-", failing(failuresLeft, t -> t.getName().endsWith("watch")));
        CountDownLatch release = new CountDownLatch(1);
        try {
            CountDownLatch blocked = new CountDownLatch(1);
            pool.execute(() -> {
                blocked.countDown();
                await(release);
            });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            CountDownLatch ran = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                try {
                    pool.execute(ran::countDown); // the first one's watch fails to start
                } catch (Throwable e) {
                    // the old pool threw here, and kept the watch marked as looking
                }
            }
            assertEquals(0, failuresLeft.get(), "the watch's first start failed");
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the tasks behind the blocked one run beside it");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static HandlerPool pool(int parallelism, int maxThreads, String prefix, Consumer<Thread> starter) {
        return new HandlerPool(parallelism, maxThreads, 60, TimeUnit.SECONDS, BLOCKED_AFTER, prefix, TurnEnds.NONE,
                starter);
    }

    /** Fails the starts of the threads {@code which} selects while {@code failuresLeft} lasts, as the JVM does out of threads. */
    private static Consumer<Thread> failing(AtomicInteger failuresLeft, Predicate<Thread> which) {
        return thread -> {
            if (which.test(thread) && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
            thread.start();
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
