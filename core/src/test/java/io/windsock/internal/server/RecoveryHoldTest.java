package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One membership and one timer for a namespace's recoverable leaves, however many. */
class RecoveryHoldTest {
    @Test
    void manyLeavesMakeOneHoldThatEndsOnceAfterTheLastWindow() throws Exception {
        Semaphore released = new Semaphore(0);
        RecoveryHold hold = new RecoveryHold(released::release);
        Duration window = Duration.ofMillis(200);
        long start = System.nanoTime();
        assertTrue(hold.extend(window), "the first leave's membership becomes the hold");
        for (int i = 0; i < 999; i++) {
            assertFalse(hold.extend(window), "later leaves release their own membership");
        }
        long lastLeave = System.nanoTime(); // read before the last leave: its window ends after lastLeave + window
        assertFalse(hold.extend(window));
        assertTrue(released.tryAcquire(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - lastLeave >= window.toNanos(), "not before the last leave's window");
        assertFalse(released.tryAcquire(3 * window.toMillis(), TimeUnit.MILLISECONDS), "released once");
        assertTrue(System.nanoTime() - start > window.toNanos());

        assertTrue(hold.extend(window), "a leave after the hold ended starts a new one");
        assertTrue(released.tryAcquire(10, TimeUnit.SECONDS));
        assertEquals(0, released.availablePermits());
    }
}
