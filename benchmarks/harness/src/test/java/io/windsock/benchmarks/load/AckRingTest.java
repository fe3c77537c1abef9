package io.windsock.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The clients' ack bookkeeping: ids, send times, acks matched once, reused slots counted lost. */
class AckRingTest {
    @Test
    void anAckGivesItsEventsSendTimeOnce() {
        AckRing ring = new AckRing();
        assertEquals(0, ring.send(100));
        assertEquals(1, ring.send(-200));
        int slot = ring.ack(1);
        assertTrue(slot >= 0);
        assertEquals(-200, ring.sentNanos(slot));
        assertEquals(-1, ring.ack(1), "acked already");
        assertEquals(100, ring.sentNanos(ring.ack(0)));
        assertEquals(-1, ring.ack(-1), "not parsable");
        assertEquals(-1, ring.ack(7), "never sent");
        assertEquals(0, ring.lost());
    }

    @Test
    void aSlotReusedBeforeItsAckCountsLostAndItsAckIsIgnored() {
        AckRing ring = new AckRing();
        for (int i = 0; i < 1024; i++) {
            ring.send(i);
        }
        assertEquals(0, ring.lost());
        assertEquals(1024, ring.send(5_000));
        assertEquals(1, ring.lost());
        assertEquals(-1, ring.ack(0), "its slot went to id 1024");
        assertEquals(5_000, ring.sentNanos(ring.ack(1024)));
        assertEquals(1023, ring.sentNanos(ring.ack(1023)));
    }
}
