package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link SerialExecutor#executeHereIfIdle}: here when idle, else in order behind what waits. Real pool threads. */
class SerialExecutorTest {

    @Test
    void tasksFromManyThreadsRunOneAtATimeEachThreadsInTheOrderSubmitted() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(4, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            int producers = 4;
            int perProducer = 5_000; // many turns of 64
            AtomicInteger running = new AtomicInteger();
            AtomicBoolean overlapped = new AtomicBoolean();
            AtomicBoolean outOfOrder = new AtomicBoolean();
            // Plain ints, touched only by the tasks: the executor's hand-over between turns must publish them.
            int[] lastRun = new int[producers];
            java.util.Arrays.fill(lastRun, -1);
            CountDownLatch ran = new CountDownLatch(producers * perProducer);
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads[p] = new Thread(() -> {
                    await(start);
                    for (int i = 0; i < perProducer; i++) {
                        int n = i;
                        Runnable task = () -> {
                            if (running.incrementAndGet() != 1) {
                                overlapped.set(true);
                            }
                            if (lastRun[producer] != n - 1) {
                                outOfOrder.set(true);
                            }
                            lastRun[producer] = n;
                            running.decrementAndGet();
                            ran.countDown();
                        };
                        // One producer also takes the inline path, as an event loop does for non-blocking handlers.
                        if (producer == 0 && n % 2 == 0) {
                            serial.executeHereIfIdle(task);
                        } else {
                            serial.execute(task);
                        }
                    }
                });
                threads[p].start();
            }
            start.countDown();
            assertTrue(ran.await(30, TimeUnit.SECONDS), "tasks left: " + ran.getCount());
            assertFalse(overlapped.get(), "two tasks ran at once");
            assertFalse(outOfOrder.get(), "a producer's tasks ran out of order");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdleExecutorRunsTheTaskOnTheCallingThread() {
        HandlerPool pool = HandlerExecutors.newPool(4, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            serial.executeHereIfIdle(() -> ranOn.set(Thread.currentThread()));
            assertSame(Thread.currentThread(), ranOn.get());
            assertTrue(!SerialExecutor.isRunningTask(), "the marker is cleared after the task");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskNeverOvertakesOneRunningOrQueuedOnThePool() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(4, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            for (int round = 0; round < 200; round++) {
                SerialExecutor serial = new SerialExecutor(pool);
                List<String> order = new CopyOnWriteArrayList<>();
                CountDownLatch running = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch last = new CountDownLatch(1);
                serial.execute(() -> {
                    running.countDown();
                    await(release);
                    order.add("blocking");
                });
                assertTrue(running.await(10, TimeUnit.SECONDS));
                AtomicReference<Thread> ranOn = new AtomicReference<>();
                serial.executeHereIfIdle(() -> order.add("queued 1"));
                serial.execute(() -> order.add("queued 2"));
                serial.executeHereIfIdle(() -> {
                    ranOn.set(Thread.currentThread());
                    order.add("queued 3");
                    last.countDown();
                });
                release.countDown();
                assertTrue(last.await(10, TimeUnit.SECONDS));
                assertEquals(List.of("blocking", "queued 1", "queued 2", "queued 3"), order);
                assertNotSame(Thread.currentThread(), ranOn.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tasksSubmittedWhileOneRunsHereFollowItOnThePool() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(4, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<String> order = new CopyOnWriteArrayList<>();
            serial.executeHereIfIdle(() -> {
                order.add("here");
                serial.execute(() -> order.add("after"));
                serial.executeHereIfIdle(() -> order.add("after 2")); // busy (this task runs): queued
                order.add("here, end");
            });
            CountDownLatch drained = new CountDownLatch(1);
            serial.execute(drained::countDown); // queued behind the two above
            assertTrue(drained.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("here", "here, end", "after", "after 2"), order);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDelegateThatThrowsLeavesTheExecutorUsableAndThrowsNothingAtTheCaller() throws Exception {
        HandlerPool pool = HandlerExecutors.newPool(4, 60, TimeUnit.SECONDS, TurnEnds.NONE);
        try {
            AtomicInteger calls = new AtomicInteger();
            // Fails its first hand-off as an executor does that cannot start a thread, then works.
            SerialExecutor serial = new SerialExecutor(task -> {
                if (calls.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("unable to create native thread");
                }
                pool.execute(task);
            });
            Throwable thrown = null;
            try {
                serial.execute(() -> { });
            } catch (Throwable e) {
                thrown = e;
            }
            CountDownLatch ran = new CountDownLatch(1);
            serial.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the next task gets a turn");
            assertEquals(null, thrown, "nothing reaches the caller (a network thread)");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
