package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Waits for a server-side count to stop moving. */
final class Settling {
    private Settling() {
    }

    /** @return the count once it has not moved for a second; fails past the deadline ({@link System#nanoTime}) */
    static long settled(AtomicLong count, long deadline) {
        long value = count.get();
        long since = System.nanoTime();
        while (System.nanoTime() - since < TimeUnit.SECONDS.toNanos(1)) {
            assertTrue(System.nanoTime() < deadline, "the server's count never settled");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            long now = count.get();
            if (now != value) {
                value = now;
                since = System.nanoTime();
            }
        }
        return value;
    }
}
