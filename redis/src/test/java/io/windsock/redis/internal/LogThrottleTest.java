package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per period for a flood, saying how many events it stands for. */
class LogThrottleTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(10, clock::get);

    @Test
    void theFirstEventIsLoggedThenOneLinePerPeriodWithTheCountSince() {
        assertEquals(1, throttle.count());
        assertEquals(0, throttle.count());
        assertEquals(0, throttle.count());
        clock.addAndGet(9);
        assertEquals(0, throttle.count());
        clock.addAndGet(1);
        assertEquals(4, throttle.count(), "the three held back and this one");
        clock.addAndGet(100);
        assertEquals(1, throttle.count());
    }

    @Test
    void aClockStartingAtAnyValueWorks() {
        clock.set(Long.MIN_VALUE + 5);
        assertEquals(1, throttle.count());
        assertEquals(0, throttle.count());
        clock.addAndGet(10);
        assertEquals(2, throttle.count());
    }
}
