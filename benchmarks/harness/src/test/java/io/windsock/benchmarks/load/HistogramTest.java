package io.windsock.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The driver's histogram: bucket arithmetic and percentile accuracy (no timing is asserted anywhere). */
class HistogramTest {
    @Test
    void everyValueLandsInABucketThatHoldsIt() {
        for (long v : new long[] {0, 1, 63, 64, 65, 127, 128, 1_000, 123_456_789, Long.MAX_VALUE / 3}) {
            int i = Histogram.index(v);
            long low = Histogram.lowerBound(i);
            assertTrue(low <= v && v < low + Histogram.width(i), "value " + v + " in bucket " + i);
        }
    }

    @Test
    void bucketsAreWithinOneSixtyFourthOfTheirValues() {
        for (long v = 64; v < 10_000_000; v = v * 3 + 7) {
            int i = Histogram.index(v);
            assertTrue(Histogram.width(i) <= Histogram.lowerBound(i) / 64.0, "bucket " + i);
        }
    }

    @Test
    void percentilesOfAUniformSpread() {
        Histogram h = new Histogram();
        for (int i = 1; i <= 100_000; i++) {
            h.record(i * 1_000L);
        }
        assertEquals(100_000, h.count());
        assertEquals(50_000_000, h.percentile(0.50), 50_000_000 / 64.0);
        assertEquals(99_000_000, h.percentile(0.99), 99_000_000 / 64.0);
        assertEquals(99_900_000, h.percentile(0.999), 99_900_000 / 64.0);
        assertEquals(100_000_000, h.max());
        assertEquals(50_000_500, h.mean(), 1);
    }

    @Test
    void emptyAndReset() {
        Histogram h = new Histogram();
        assertEquals(0, h.percentile(0.99));
        h.record(5);
        h.reset();
        assertEquals(0, h.count());
        assertEquals(0, h.max());
    }
}
