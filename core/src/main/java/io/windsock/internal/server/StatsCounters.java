package io.windsock.internal.server;

import io.windsock.server.ServerStats;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The live counters behind {@link ServerStats}: gauges with their peaks, rates in
 * {@link RateWindow}s, and the inbound flow control's counters. Thread-safe; counting never blocks.
 */
public final class StatsCounters {
    private final LongSupplier nanoClock;
    private final AtomicInteger engineSessions = new AtomicInteger();
    private final AtomicInteger peakEngineSessions = new AtomicInteger();
    private final AtomicLong sockets = new AtomicLong();
    private final AtomicLong peakSockets = new AtomicLong();
    private final RateWindow opened = new RateWindow();
    private final RateWindow sent = new RateWindow();
    private final RateWindow received = new RateWindow();

    private final AtomicLong queuedEvents = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong peakConnectionEvents = new AtomicLong();
    private final AtomicLong peakConnectionBytes = new AtomicLong();
    private final AtomicInteger pausedConnections = new AtomicInteger();
    private final LongAdder pauses = new LongAdder();
    private final LongAdder queueLimitDisconnects = new LongAdder();
    private final LongAdder droppedAfterClose = new LongAdder();

    /** @param nanoClock the clock of the rates ({@code System::nanoTime}; tests move one by hand) */
    public StatsCounters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    private long second() {
        return TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong());
    }

    public void engineSessionOpened() {
        peakEngineSessions.accumulateAndGet(engineSessions.incrementAndGet(), Math::max);
        opened.add(second(), 1);
    }

    public void engineSessionClosed() {
        engineSessions.decrementAndGet();
    }

    void socketOpened() {
        peakSockets.accumulateAndGet(sockets.incrementAndGet(), Math::max);
    }

    void socketClosed() {
        sockets.decrementAndGet();
    }

    public void packetSent() {
        sent.add(second(), 1);
    }

    public void packetReceived() {
        received.add(second(), 1);
    }

    void queued(long connectionEvents, long connectionBytes, long size) {
        queuedEvents.incrementAndGet();
        queuedBytes.addAndGet(size);
        peakConnectionEvents.accumulateAndGet(connectionEvents, Math::max);
        peakConnectionBytes.accumulateAndGet(connectionBytes, Math::max);
    }

    void handled(long size) {
        queuedEvents.decrementAndGet();
        queuedBytes.addAndGet(-size);
    }

    void paused(boolean paused) {
        if (paused) {
            pausedConnections.incrementAndGet();
            pauses.increment();
        } else {
            pausedConnections.decrementAndGet();
        }
    }

    public void countQueueLimitDisconnect() {
        queueLimitDisconnects.increment();
    }

    public void countDroppedAfterClose() {
        droppedAfterClose.increment();
    }

    public ServerStats snapshot() {
        long now = second();
        return new ServerStats(engineSessions.get(), peakEngineSessions.get(), sockets.get(), peakSockets.get(),
                opened.perSecond(now), sent.perSecond(now), received.perSecond(now),
                queuedEvents.get(), queuedBytes.get(), peakConnectionEvents.get(), peakConnectionBytes.get(),
                pausedConnections.get(), pauses.sum(), queueLimitDisconnects.sum(), droppedAfterClose.sum());
    }
}
