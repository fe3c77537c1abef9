package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingExecutorTest {

    @Test
    void aFailedHandOffIsOfferedAgainWhateverItThrew() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Executor failingOnce = task -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("broken for a moment");
            }
            new Thread(task).start();
        };
        CountDownLatch ran = new CountDownLatch(1);
        RetryingExecutor.wrap(failingOnce).execute(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals(2, calls.get());
    }

    @Test
    void aTaskRunOnTheCallerThatThrowsIsNotOfferedAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ranTwice = new CountDownLatch(2);
        Runnable throwing = () -> {
            runs.incrementAndGet();
            ranTwice.countDown();
            throw new IllegalStateException("the task's own failure");
        };
        assertThrows(IllegalStateException.class, () -> RetryingExecutor.wrap(Runnable::run).execute(throwing));
        // A retry would come after 10 ms.
        assertFalse(ranTwice.await(200, TimeUnit.MILLISECONDS), "the task ran again");
        assertEquals(1, runs.get());
    }

    @Test
    void aTaskQueuedByAnExecutorThatStillThrewRunsOnce() throws Exception {
        // As ThreadPoolExecutor or ForkJoinPool when a worker cannot start: the task is queued, then the
        // failure thrown; the queue is run later by a thread that did start, and the retry hands it over again.
        java.util.Queue<Runnable> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        AtomicInteger offers = new AtomicInteger();
        Executor queuesThenThrowsOnce = task -> {
            queue.add(task);
            if (offers.getAndIncrement() == 0) {
                throw new OutOfMemoryError("unable to create native thread");
            }
        };
        AtomicInteger runs = new AtomicInteger();
        RetryingExecutor.wrap(queuesThenThrowsOnce).execute(runs::incrementAndGet);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (offers.get() < 2) { // the retry, 10 ms later
            assertTrue(System.nanoTime() < deadline, "never offered again");
            Thread.onSpinWait();
        }
        assertEquals(2, queue.size(), "handed over twice");
        queue.forEach(Runnable::run);
        assertEquals(1, runs.get(), "and run once");
    }
}
