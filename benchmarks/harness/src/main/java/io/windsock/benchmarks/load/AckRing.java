package io.windsock.benchmarks.load;

import java.util.Arrays;

/**
 * The ack ids of one client and the send time of each event still waiting for its ack, in a ring
 * indexed by id modulo {@link #SIZE}: no allocation per event. An id whose slot is reused before its
 * ack came (more than {@link #SIZE} outstanding) is counted lost, and its ack is then ignored.
 */
final class AckRing {
    private static final int SIZE = 1024;

    private final long[] sentAt = new long[SIZE];
    /** The id outstanding in each slot; -1 when none. */
    private final long[] sentId = new long[SIZE];
    private long nextId;
    private long lost;

    AckRing() {
        Arrays.fill(sentId, -1);
    }

    /** Takes the next ack id for an event sent at {@code sentNanos} (the actual or the intended send time). */
    long send(long sentNanos) {
        long id = nextId++;
        int slot = slot(id);
        if (sentId[slot] >= 0) {
            lost++;
        }
        sentId[slot] = id;
        sentAt[slot] = sentNanos;
        return id;
    }

    /**
     * An ack for {@code id}: the slot of its send time ({@link #sentNanos}), no longer outstanding; -1 when
     * {@code id} is not outstanding (-1 itself: not parsable; acked already; its slot reused).
     */
    int ack(long id) {
        int slot = slot(id);
        if (id >= 0 && sentId[slot] == id) {
            sentId[slot] = -1;
            return slot;
        }
        return -1;
    }

    /** The send time kept in {@code slot}, as {@link #ack} returned it. */
    long sentNanos(int slot) {
        return sentAt[slot];
    }

    /** Ack ids whose slot was reused before the ack came. */
    long lost() {
        return lost;
    }

    private static int slot(long id) {
        return (int) (id & (SIZE - 1));
    }
}
