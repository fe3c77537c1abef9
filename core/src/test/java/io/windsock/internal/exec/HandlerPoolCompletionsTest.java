package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Completions ({@link HandlerPool#executeCompletion}) complete futures that the pool's own tasks wait for:
 * they must run even when every thread the bound allows is blocked on them, and before queued events.
 */
class HandlerPoolCompletionsTest {
    private static final long BLOCKED_AFTER = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int MAX_THREADS = 4;

    private static HandlerPool pool() {
        return new HandlerPool(1, MAX_THREADS, 60, TimeUnit.SECONDS, BLOCKED_AFTER, "test-completions-");
    }

    /** Queues {@code count} tasks that each wait for a future of their own; @return those futures */
    private static List<CompletableFuture<String>> waiters(HandlerPool pool, int count, CountDownLatch waiting,
            BlockingQueue<Object> outcomes) {
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<String> future = new CompletableFuture<>();
            futures.add(future);
            pool.execute(() -> {
                waiting.countDown();
                try {
                    outcomes.add(future.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    outcomes.add(e);
                }
            });
        }
        return futures;
    }

    @Test
    void completionsReachTasksThatTakeEveryThreadOfTheBound() throws Exception {
        HandlerPool pool = pool();
        try {
            BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
            CountDownLatch waiting = new CountDownLatch(MAX_THREADS);
            // Two more than the bound: those wait in the queue for a thread, behind the completions' turn.
            List<CompletableFuture<String>> futures = waiters(pool, MAX_THREADS + 2, waiting, outcomes);
            assertTrue(waiting.await(10, TimeUnit.SECONDS), "every thread of the bound takes a waiting task");
            assertEquals(MAX_THREADS, pool.poolSize());
            for (CompletableFuture<String> future : futures) {
                pool.executeCompletion(() -> future.complete("done"));
            }
            for (int i = 0; i < futures.size(); i++) {
                // Before: nothing ran the completions until the waits' 30 s ran out.
                assertEquals("done", outcomes.poll(10, TimeUnit.SECONDS), "wait " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onlyCompletionsRunBeyondTheBound() throws Exception {
        HandlerPool pool = new HandlerPool(1, 1, 60, TimeUnit.SECONDS, BLOCKED_AFTER, "test-beyond-");
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            pool.execute(() -> {
                blocked.countDown();
                await(release);
            });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            CountDownLatch event = new CountDownLatch(1);
            CountDownLatch completion = new CountDownLatch(1);
            pool.execute(event::countDown);
            pool.executeCompletion(completion::countDown);
            assertTrue(completion.await(10, TimeUnit.SECONDS), "the completion runs while the only thread blocks");
            assertEquals(1, event.getCount(), "an event waits for a thread of the bound");
            release.countDown();
            assertTrue(event.await(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
