package io.windsock.internal.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one server's inbound flow control and of what it dropped, for metrics and tests.
 * Thread-safe; each value is read on its own (no snapshot across them).
 */
public final class ServerStats {
    private final AtomicLong queuedEvents = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong peakSocketEvents = new AtomicLong();
    private final AtomicLong peakSocketBytes = new AtomicLong();
    private final AtomicInteger pausedConnections = new AtomicInteger();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong queueLimitDisconnects = new AtomicLong();
    private final AtomicLong droppedAfterClose = new AtomicLong();

    void queued(long socketEvents, long socketBytes, long size) {
        queuedEvents.incrementAndGet();
        queuedBytes.addAndGet(size);
        peakSocketEvents.accumulateAndGet(socketEvents, Math::max);
        peakSocketBytes.accumulateAndGet(socketBytes, Math::max);
    }

    void handled(long size) {
        queuedEvents.decrementAndGet();
        queuedBytes.addAndGet(-size);
    }

    void paused(boolean paused) {
        if (paused) {
            pausedConnections.incrementAndGet();
            pauses.incrementAndGet();
        } else {
            pausedConnections.decrementAndGet();
        }
    }

    void countQueueLimitDisconnect() {
        queueLimitDisconnects.incrementAndGet();
    }

    void countDroppedAfterClose() {
        droppedAfterClose.incrementAndGet();
    }

    /** @return incoming events arrived and not yet handled, over every socket. */
    public long queuedEvents() {
        return queuedEvents.get();
    }

    /** @return the wire bytes of those events. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return the most events one socket ever had queued at once. */
    public long peakSocketQueuedEvents() {
        return peakSocketEvents.get();
    }

    /** @return the most wire bytes one socket ever had queued at once. */
    public long peakSocketQueuedBytes() {
        return peakSocketBytes.get();
    }

    /** @return connections whose reading is paused now. */
    public int pausedConnections() {
        return pausedConnections.get();
    }

    /** @return how many times a connection's reading was paused. */
    public long pauses() {
        return pauses.get();
    }

    /** @return clients disconnected because they sent past their socket's queue limit. */
    public long queueLimitDisconnects() {
        return queueLimitDisconnects.get();
    }

    /**
     * @return emits, acks and emits with ack made on a socket after it left, dropped (handlers of
     *         events that arrived before a disconnect still run, and may still emit)
     */
    public long droppedAfterClose() {
        return droppedAfterClose.get();
    }
}
