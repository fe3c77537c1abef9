package io.windsock.internal.exec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The pool counts a long task out as blocked by what the thread does, where Linux tells: soon when it
 * waits (here in a native socket call, where Java still says RUNNABLE), late when it runs or waits for a
 * core (here spinning), since another thread would wait for the same core.
 */
class HandlerPoolKernelStateTest {
    @Test
    void theStateFollowsTheLastParenthesisOfTheStatLine() {
        assertFalse(KernelThreadState.sleeping("4242 (java) R 1 4242 0".getBytes(US_ASCII)));
        assertTrue(KernelThreadState.sleeping("4242 (java) S 1 4242 0".getBytes(US_ASCII)));
        assertTrue(KernelThreadState.sleeping("4242 (java) D 1 4242 0".getBytes(US_ASCII)));
        // A thread may name itself anything, parentheses and a state-like letter included.
        assertFalse(KernelThreadState.sleeping("4242 (a) S (b) R 1 4242 0".getBytes(US_ASCII)));
        assertTrue(KernelThreadState.sleeping("4242 (x) R) S 1".getBytes(US_ASCII)));
        // Unreadable: as if unknown, the pool then goes by time alone.
        assertTrue(KernelThreadState.sleeping("4242 (java)".getBytes(US_ASCII)));
        assertTrue(KernelThreadState.sleeping(new byte[0]));
    }

    @Test
    void theCallingThreadRuns() {
        Path stat = KernelThreadState.statFileOfCurrentThread();
        assumeTrue(stat != null, "no /proc/thread-self here");
        assertFalse(KernelThreadState.sleeping(stat));
    }

    @Test
    void aTaskThatComputesKeepsItsSlotUntilItHasRunForTheComputingLimit() throws Exception {
        assumeTrue(KernelThreadState.statFileOfCurrentThread() != null, "no /proc/thread-self here");
        long blockedAfter = TimeUnit.MILLISECONDS.toNanos(2);
        HandlerPool pool = new HandlerPool(1, 4, 60, TimeUnit.SECONDS, blockedAfter, "test-computing-");
        CountDownLatch spinning = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicLong spinStart = new AtomicLong();
        try {
            pool.execute(() -> {
                spinStart.set(System.nanoTime());
                spinning.countDown();
                while (stop.getCount() > 0) {
                    Thread.onSpinWait(); // runs, or waits for a core: never sleeps
                }
            });
            assertTrue(spinning.await(10, TimeUnit.SECONDS));
            AtomicLong ranAt = new AtomicLong();
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(() -> {
                ranAt.set(System.nanoTime());
                ran.countDown();
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "a task that computes for long is counted out in the end");
            long spunFor = ranAt.get() - spinStart.get();
            // A loaded machine makes the watch late, never early: this cannot fail for want of a core.
            assertTrue(spunFor >= blockedAfter * HandlerPool.COMPUTING_FACTOR,
                    "counted out after " + TimeUnit.NANOSECONDS.toMicros(spunFor) + " µs, as if it waited");
            assertEquals(2, pool.poolSize());
        } finally {
            stop.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskWaitingInANativeCallIsCountedOutLongBeforeTheComputingLimit() throws Exception {
        assumeTrue(KernelThreadState.statFileOfCurrentThread() != null, "no /proc/thread-self here");
        // A long threshold, so that "long before" has a wide margin: 100 ms, against 2.5 s for a task that computes.
        long blockedAfter = TimeUnit.MILLISECONDS.toNanos(100);
        HandlerPool pool = new HandlerPool(1, 4, 60, TimeUnit.SECONDS, blockedAfter, "test-native-");
        CountDownLatch accepting = new CountDownLatch(1);
        AtomicLong acceptStart = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pool.execute(() -> {
                acceptStart.set(System.nanoTime());
                accepting.countDown();
                try {
                    server.accept().close(); // Java says RUNNABLE throughout; the kernel says sleeping
                } catch (IOException closed) {
                    // the test ends by closing the socket
                }
            });
            assertTrue(accepting.await(10, TimeUnit.SECONDS));
            AtomicLong ranAt = new AtomicLong();
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(() -> {
                ranAt.set(System.nanoTime());
                ran.countDown();
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the waiting task was counted out");
            long waitedFor = ranAt.get() - acceptStart.get();
            assertTrue(waitedFor < blockedAfter * HandlerPool.COMPUTING_FACTOR,
                    "counted out only after " + TimeUnit.NANOSECONDS.toMillis(waitedFor) + " ms, as if it computed");
        } finally {
            pool.shutdownNow();
        }
    }
}
