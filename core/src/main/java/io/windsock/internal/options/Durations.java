package io.windsock.internal.options;

import java.time.Duration;
import java.util.Objects;

/** The one rule for the options' durations. */
public final class Durations {
    private Durations() {
    }

    /**
     * Timers, expiries and the handshake count milliseconds: a shorter duration would be 0 ms, a timer
     * that fires at once (an endless ping/pong loop, every session closed or expired as it is made).
     *
     * @return {@code d}
     * @throws NullPointerException     naming the option, for null
     * @throws IllegalArgumentException naming the option, under 1 ms
     */
    public static Duration atLeastOneMilli(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 ms: " + d);
        }
        return d;
    }
}
