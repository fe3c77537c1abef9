package io.windsock.internal.server;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Events per second as a moving average over the last {@value #SECONDS} whole seconds, from one
 * counter per second in a ring, so nothing has to sample it on a timer. Counting is a
 * {@link LongAdder} increment (many event loops count at once). Approximate: an event counted in the
 * instant a slot is recycled for a new second may be lost; fine for statistics, never used for limits.
 */
final class RateWindow {
    static final int SECONDS = 10;
    /** The whole seconds averaged, plus the current one, which is still filling. */
    private static final int SLOTS = SECONDS + 1;

    private final LongAdder[] counts = new LongAdder[SLOTS];
    /** The second each slot counts; -1 never used. */
    private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);

    RateWindow() {
        for (int i = 0; i < SLOTS; i++) {
            counts[i] = new LongAdder();
            seconds.set(i, -1);
        }
    }

    void add(long nowSecond, long n) {
        int slot = (int) Math.floorMod(nowSecond, (long) SLOTS);
        long slotSecond = seconds.get(slot);
        if (slotSecond != nowSecond) {
            if (slotSecond < nowSecond && seconds.compareAndSet(slot, slotSecond, nowSecond)) {
                counts[slot].reset();
            }
        }
        counts[slot].add(n);
    }

    /** @return the average per second over the {@value #SECONDS} whole seconds before {@code nowSecond}. */
    double perSecond(long nowSecond) {
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            long s = seconds.get(i);
            if (s >= nowSecond - SECONDS && s < nowSecond) {
                sum += counts[i].sum();
            }
        }
        return sum / (double) SECONDS;
    }
}
