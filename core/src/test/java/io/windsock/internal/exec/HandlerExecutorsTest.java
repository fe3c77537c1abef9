package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandlerExecutorsTest {

    @Test
    void tasksRunOneAfterAnotherReuseTheIdleThreadInsteadOfStartingNewOnes() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(256, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            for (int i = 0; i < 2_000; i++) {
                pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
            }
            // A thread that ran a task may still be on its way back to the queue when the next task comes
            // (longer on a loaded machine), so a few threads can start; never one per task, as in a pool
            // whose core size is its bound (that one held 256 threads here).
            assertTrue(pool.largestPoolSize() <= 16, "threads started: " + pool.largestPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blockingTasksGetThreadsUpToTheBoundAndTheRestWaitInTheQueue() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(8, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            CountDownLatch eightRunning = new CountDownLatch(8);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger done = new AtomicInteger();
            CountDownLatch allDone = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                pool.execute(() -> {
                    eightRunning.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.incrementAndGet();
                    allDone.countDown();
                });
            }
            assertTrue(eightRunning.await(10, TimeUnit.SECONDS), "eight tasks block at once");
            assertEquals(8, pool.poolSize());
            assertEquals(12, pool.queued(), "the rest wait, none is refused or run inline");
            release.countDown();
            assertTrue(allDone.await(10, TimeUnit.SECONDS));
            assertEquals(20, done.get());
            assertEquals(8, pool.largestPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idleThreadsRetire() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(8, 20, TimeUnit.MILLISECONDS, TurnEnds.NONE);
        try {
            CountDownLatch started = new CountDownLatch(4);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                pool.execute(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.poolSize() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, pool.poolSize(), "no thread is kept at rest");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskSubmittedAfterShutdownRunsOnTheSubmittingThread() throws Exception {
        ExecutorService pool = HandlerExecutors.newDefault(TurnEnds.NONE);
        pool.shutdown();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        pool.execute(() -> ranOn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void theDefaultPoolsThreadsAreMarked() throws Exception {
        ExecutorService pool = HandlerExecutors.newDefault(TurnEnds.NONE);
        try {
            Future<Boolean> marked = pool.submit(HandlerExecutors::isHandlerThread);
            assertTrue(marked.get(10, TimeUnit.SECONDS));
            assertTrue(!HandlerExecutors.isHandlerThread());
        } finally {
            pool.shutdownNow();
        }
    }
}
