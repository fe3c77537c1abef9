package io.windsock.internal.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * WARN lines that a client can cause, bounded per kind: at most {@code perWindow} lines of one kind in
 * each window; the rest are counted, and the first line of the next window says how many were
 * suppressed ("suppressed N similar warnings"). A flood of bad packets then costs a few lines a
 * minute, not one per packet. Thread-safe (a short lock per kind).
 */
public final class RateLimitedLog {
    /** Defaults: 10 lines per kind per minute. */
    public static final int DEFAULT_PER_WINDOW = 10;
    public static final long DEFAULT_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log) {
        this(log, DEFAULT_PER_WINDOW, DEFAULT_WINDOW_NANOS, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (for tests) */
    public RateLimitedLog(Logger log, int perWindow, long windowNanos, LongSupplier nanoClock) {
        if (perWindow < 1 || windowNanos <= 0) {
            throw new IllegalArgumentException("perWindow and windowNanos must be positive");
        }
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Logs at WARN unless this kind already logged its share of the current window. Arguments that
     * come from a client must be passed through {@link LogSafe#text} first.
     *
     * @param kind a fixed name for the kind of warning (a small set: it keys the counters)
     */
    public void warn(String kind, String format, Object... args) {
        if (!log.isWarnEnabled()) {
            return;
        }
        long suppressed = admit(kind);
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            log.warn("suppressed {} similar warnings ({}) in the last {} s", suppressed, kind,
                    TimeUnit.NANOSECONDS.toSeconds(windowNanos));
        }
        log.warn(format, args);
    }

    /** @return -1 to drop the line, else how many lines of this kind were dropped before it. */
    private long admit(String kind) {
        long now = nanoClock.getAsLong();
        Window window = windows.computeIfAbsent(kind, k -> new Window(now));
        synchronized (window) {
            if (now - window.start >= windowNanos) {
                long dropped = window.suppressed;
                window.start = now;
                window.logged = 1;
                window.suppressed = 0;
                return dropped;
            }
            if (window.logged < perWindow) {
                window.logged++;
                return 0;
            }
            window.suppressed++;
            return -1;
        }
    }

    private static final class Window {
        long start;
        int logged;
        long suppressed;

        Window(long start) {
            this.start = start;
        }
    }
}
