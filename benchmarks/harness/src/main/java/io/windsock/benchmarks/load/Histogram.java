package io.windsock.benchmarks.load;

/**
 * A log-linear histogram of non-negative {@code long} values (nanoseconds here): every power of two
 * is split into 64 equal buckets, so any recorded value is known within 1/64 (1.6 %) of itself, from
 * 1 ns to centuries, in 30 KB. Enough for p50/p99/p99.9 of latencies; no dependency (HdrHistogram does
 * the same with more options). Not thread-safe: the driver records on its single event-loop thread.
 */
public final class Histogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB + SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        min = Long.MAX_VALUE;
        max = 0;
        sum = 0;
    }

    public void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    public long max() {
        return total == 0 ? 0 : max;
    }

    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * @param quantile between 0 and 1, e.g. 0.999
     * @return the middle of the bucket holding that quantile (clamped to the recorded min and max),
     *         or 0 when empty
     */
    public long percentile(double quantile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long low = lowerBound(i);
                long mid = low + (width(i) - 1) / 2;
                return Math.max(min, Math.min(max, mid));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB;
        return SUB + shift * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        int sub = (index - SUB) % SUB;
        return (long) (SUB + sub) << shift;
    }

    static long width(int index) {
        return index < SUB ? 1 : 1L << ((index - SUB) / SUB);
    }
}
