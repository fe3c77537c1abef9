package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
    private static final long BLOCKED_AFTER = TimeUnit.MILLISECONDS.toNanos(2);

    private static HandlerPool pool(int parallelism, int maxThreads) {
        return new HandlerPool(parallelism, maxThreads, 60, TimeUnit.SECONDS, BLOCKED_AFTER, "test-handler-");
    }

    @Test
    void aBurstOfShortTasksIsRunByAsManyThreadsAsThePoolRunsAtOnce() throws Exception {
        HandlerPool pool = pool(1, 256);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1_001);
            // The first task holds the only slot until the burst is queued; the burst then needs no new thread.
            pool.execute(() -> {
                await(gate);
                done.countDown();
            });
            for (int i = 0; i < 1_000; i++) {
                pool.execute(done::countDown);
            }
            gate.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            // The watch counts the gated task out as blocked and starts one more thread (a slow machine may
            // see another task as blocked too); never one per task, as a pool handing each task to a thread.
            assertTrue(pool.largestPoolSize() <= 4, "threads started: " + pool.largestPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBlockedTaskDoesNotHoldUpTheQueue() throws Exception {
        HandlerPool pool = pool(1, 8);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            blockedTasks(pool, 1, blocked, release, () -> { });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the watch lets another thread take the blocked one's place");
            assertEquals(2, pool.poolSize());
            release.countDown();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blockedTasksAtTheThreadBoundWaitAndRunWhenOneFinishes() throws Exception {
        HandlerPool pool = pool(1, 3);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch allDone = new CountDownLatch(5);
            CountDownLatch threeBlocked = new CountDownLatch(3);
            blockedTasks(pool, 5, threeBlocked, release, allDone::countDown);
            assertTrue(threeBlocked.await(10, TimeUnit.SECONDS));
            assertEquals(3, pool.poolSize());
            assertEquals(2, pool.queued());
            release.countDown();
            assertTrue(allDone.await(10, TimeUnit.SECONDS));
            assertEquals(3, pool.largestPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyTaskRunsExactlyOnceWhenManyThreadsSubmit() throws Exception {
        for (int round = 0; round < 5; round++) {
            HandlerPool pool = pool(2, 16);
            try {
                int submitters = 4;
                int perSubmitter = 50_000;
                AtomicIntegerArray runs = new AtomicIntegerArray(submitters * perSubmitter);
                CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
                Thread[] threads = new Thread[submitters];
                for (int s = 0; s < submitters; s++) {
                    int base = s * perSubmitter;
                    threads[s] = new Thread(() -> {
                        for (int i = 0; i < perSubmitter; i++) {
                            int id = base + i;
                            pool.execute(() -> {
                                runs.incrementAndGet(id);
                                done.countDown();
                            });
                        }
                    });
                    threads[s].start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertTrue(done.await(30, TimeUnit.SECONDS), "tasks left: " + done.getCount());
                for (int i = 0; i < runs.length(); i++) {
                    assertEquals(1, runs.get(i), "runs of task " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void idleThreadsAndTheWatchRetire() throws Exception {
        HandlerPool pool = new HandlerPool(1, 8, 20, TimeUnit.MILLISECONDS, BLOCKED_AFTER, "test-retire-");
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch twoRunning = new CountDownLatch(2);
            blockedTasks(pool, 2, twoRunning, release, () -> { });
            assertTrue(twoRunning.await(10, TimeUnit.SECONDS));
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((pool.poolSize() > 0 || watchAlive("test-retire-")) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, pool.poolSize(), "no worker is kept at rest");
            assertTrue(!watchAlive("test-retire-"), "no watch thread is kept at rest");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shutdownRunsWhatIsQueuedThenTerminates() throws Exception {
        HandlerPool pool = pool(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(() -> await(release));
        for (int i = 0; i < 10; i++) {
            pool.execute(ran::incrementAndGet);
        }
        pool.shutdown();
        Thread caller = Thread.currentThread();
        AtomicInteger late = new AtomicInteger();
        pool.execute(() -> late.set(Thread.currentThread() == caller ? 1 : 2));
        assertEquals(1, late.get(), "a task after shutdown runs on the submitting thread");
        release.countDown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(10, ran.get());
        assertTrue(pool.isTerminated());
    }

    @Test
    void shutdownNowInterruptsTheRunningAndStillRunsTheQueued() throws Exception {
        // The queued tasks stand for a stop's leftovers: serial-executor turns, ack completions, closes.
        HandlerPool pool = pool(1, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        CountDownLatch queuedRan = new CountDownLatch(2);
        pool.execute(queuedRan::countDown);
        pool.execute(queuedRan::countDown);
        pool.shutdown();
        assertTrue(!pool.awaitTermination(20, TimeUnit.MILLISECONDS), "the running task holds the pool");
        List<Runnable> pending = pool.shutdownNow();
        assertEquals(List.of(), pending, "nothing is taken from the queue");
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        assertTrue(queuedRan.await(10, TimeUnit.SECONDS), "the queued tasks still run");
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Submits {@code tasks} tasks that each count down {@code entered}, wait for {@code release}, then run {@code after}. */
    private static void blockedTasks(HandlerPool pool, int tasks, CountDownLatch entered, CountDownLatch release,
            Runnable after) {
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> {
                entered.countDown();
                await(release);
                after.run();
            });
        }
    }

    private static boolean watchAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(prefix + "watch") && t.isAlive());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
