package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EnginePacket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The bytes a session holds for its client (queued packets not yet handed to a transport), and the bound
 * on them together with what the transport itself still holds. Thread-safe: packets are reserved on any
 * thread and released on the session's thread.
 *
 * <p>Invariant: {@link #held()} is the sum of {@link EnginePacket#byteSize()} over every packet reserved
 * or added and not yet released. A reservation is all or nothing, and is refused before the packet is
 * queued anywhere, so a packet that cannot fit never costs the server more than the reference to it.
 */
class OutboundBudget { // not final: the session's outbox is one, so a session holds one object for both
    private final long limit;
    /** An updater, not an AtomicLong: one object fewer per session. */
    private static final AtomicLongFieldUpdater<OutboundBudget> HELD =
            AtomicLongFieldUpdater.newUpdater(OutboundBudget.class, "held");
    private volatile long held;

    OutboundBudget(long limit) {
        this.limit = limit;
    }

    /** @return the bound (the engine option {@code maxPendingOutboundBytes}). */
    long limit() {
        return limit;
    }

    /** @return the bytes of packets reserved and not yet released. Any thread. */
    long held() {
        return held;
    }

    /**
     * Reserves {@code bytes} unless they would take the client past the bound.
     *
     * @param elsewhere what the transport still holds for this client (an estimate read just before)
     * @return whether the bytes were reserved; when false, nothing was
     */
    boolean tryReserve(long bytes, long elsewhere) {
        while (true) {
            long current = held;
            long next = current + bytes;
            if (next + elsewhere > limit) {
                return false;
            }
            if (HELD.compareAndSet(this, current, next)) {
                return true;
            }
        }
    }

    /** Counts bytes the session itself queues (its heartbeat and control packets), which are never refused. */
    void add(long bytes) {
        HELD.addAndGet(this, bytes);
    }

    /** The packets left the session (handed to the transport, or dropped at close). */
    void release(long bytes) {
        long now = HELD.addAndGet(this, -bytes);
        assert now >= 0 : "released more than was held: " + now;
    }

    /** @return why {@code bytes} were refused, for the close's description (the log). */
    String describeRefusal(long bytes, long elsewhere) {
        if (bytes > limit) {
            return "packet of " + bytes + " bytes larger than maxPendingOutboundBytes (" + limit + ")";
        }
        return "client too slow: " + (held() + elsewhere) + " bytes pending, " + bytes + " more refused (limit "
                + limit + ")";
    }

    /** Indexed, not iterated: an iterator per call (two per delivery) was most of a broadcast's garbage. */
    static long sizeOf(List<EnginePacket> packets) {
        long total = 0;
        for (int i = 0, n = packets.size(); i < n; i++) {
            total += packets.get(i).byteSize();
        }
        return total;
    }
}
