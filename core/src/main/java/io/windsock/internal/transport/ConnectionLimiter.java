package io.windsock.internal.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.windsock.internal.log.Loggers;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Caps the connections open at once on one server ({@code maxConnections}), so that a flood of
 * connections runs into the cap, not into the process's open-files limit (where every accept, and
 * every other file, fails). A connection past the cap is closed before anything is read from it; the
 * refusals are counted and logged at WARN at most once per {@link #LOG_PERIOD_NANOS}. Thread-safe.
 */
final class ConnectionLimiter {
    private static final Logger log = Loggers.TRANSPORT;
    private static final long LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    /** When the last refusal line was logged; {@code Long.MIN_VALUE} before the first. */
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);
    /** Counts a connection out when it closes: one listener for all of them, not one per connection. */
    private final GenericFutureListener<Future<? super Void>> closed = f -> open.decrementAndGet();

    ConnectionLimiter(int max) {
        this.max = max;
    }

    /**
     * Counts a new connection in, until it closes.
     *
     * @return false when the server is at its cap: the caller closes the connection
     */
    boolean admit(Channel channel) {
        if (max == Integer.MAX_VALUE) {
            return true;
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused();
            return false;
        }
        channel.closeFuture().addListener(closed);
        return true;
    }

    /** @return the connections counted open now (0 when there is no cap). */
    int open() {
        return open.get();
    }

    private void refused() {
        refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLog.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_PERIOD_NANOS) && lastLog.compareAndSet(last, now)) {
            long refused = refusedSinceLog.getAndSet(0);
            log.warn("Refused {} connection(s) at the cap of maxConnections={} ({} open){}", refused, max, open.get(),
                    last == Long.MIN_VALUE ? "" : " in the last " + TimeUnit.NANOSECONDS.toSeconds(now - last) + " s");
        }
    }
}
