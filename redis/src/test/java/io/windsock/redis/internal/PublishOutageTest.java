package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A publisher that fails and works by turns (on a cluster: one hung master, the others answering)
 * logs one outage, ended once publishes have worked for a whole period without a failure.
 */
class PublishOutageTest {
    private static final long PERIOD = TimeUnit.SECONDS.toNanos(10);
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicBoolean down = new AtomicBoolean();
    private final PublishOutage outage = new PublishOutage(PERIOD, now::get);

    private void at(long seconds) {
        now.set(1_000 + TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void failingAndWorkingByTurnsIsOneOutageEndedAfterAQuietPeriod() {
        assertFalse(outage.worked(down), "nothing to end");
        assertTrue(outage.failed(down), "the first failure starts the outage");
        assertFalse(outage.failed(down), "logged once");
        at(1);
        assertFalse(outage.worked(down), "another master's publish works: failures are still recent");
        at(5);
        assertFalse(outage.failed(down));
        at(14);
        assertFalse(outage.worked(down), "9 s since the last failure");
        at(15);
        assertTrue(outage.worked(down), "10 s without a failure: it ends");
        assertFalse(down.get());
        assertFalse(outage.worked(down), "ended once");
        at(16);
        assertTrue(outage.failed(down), "a failure after the end is a new outage");
    }

    @Test
    void anOutageTheConnectionEndedIsNotEndedAgain() {
        assertTrue(outage.failed(down));
        down.set(false); // the publisher reconnected and logged that it is back
        at(20);
        assertFalse(outage.worked(down));
    }
}
