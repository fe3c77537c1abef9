package io.windsock.internal.server;

import io.windsock.internal.engine.ReadSwitch;
import io.windsock.internal.protocol.DecodedSize;
import io.windsock.protocol.SocketPacket;

/**
 * Counts one connection's incoming events that arrived and are not handled yet, in events and in
 * bytes (wire bytes, or the estimated heap of the decoded arguments where that is more), over all its
 * sockets (those that have left and still have events to handle included), and moves the connection
 * over and back under its read gate. A raw Engine.IO session ({@link #forSession}) has one too: each
 * of its messages counts as an event of its wire size.
 *
 * <p>Marks, from the limits ({@code WindsockOptions.maxQueuedEvents} and {@code maxQueuedEventBytes}):
 * above a quarter of either (the high-water mark) the connection's reading is paused; once both are
 * back under an eighth (the low-water mark) it resumes. An event that arrives
 * while the queue is already at a limit is refused and the client is disconnected: a client only
 * gets there by sending while its connection does not read (at most one read buffer or one polling
 * payload arrives after the pause), so it is not following the protocol's flow control.
 *
 * <p>Threading: {@link #offer} runs on the session's thread, {@link #done} on the sockets' executors;
 * both are short and synchronized on this queue.
 */
public final class InboundQueue {
    /** The limits and their marks: the server's, one instance shared by all its connections. */
    public record Limits(long maxEvents, long maxBytes, long highEvents, long highBytes, long lowEvents, long lowBytes) {
        public static Limits of(long maxEvents, long maxBytes) {
            long highEvents = Math.max(1, maxEvents / 4);
            long highBytes = Math.max(1, maxBytes / 4);
            return new Limits(maxEvents, maxBytes, highEvents, highBytes, highEvents / 2, highBytes / 2);
        }
    }

    /** Whose read gate this queue moves over and under. */
    interface Gated {
        /** @return the connection's read gate, made on first use where most connections never need one. Any thread. */
        ReadGate readGate();
    }

    private final Gated owner;
    private final StatsCounters stats;
    private final Limits limits;

    // Guarded by this.
    private long events;
    private long bytes;
    /** Whether this queue holds its connection's reading paused. */
    private boolean over;

    InboundQueue(Gated owner, StatsCounters stats, Limits limits) {
        this.owner = owner;
        this.stats = stats;
        this.limits = limits;
    }

    /** @return the queue of a raw Engine.IO session, whose pauses suspend the session's own reading */
    public static InboundQueue forSession(ReadSwitch session, StatsCounters stats, Limits limits) {
        ReadGate gate = new ReadGate(session, stats);
        return new InboundQueue(() -> gate, stats, limits);
    }

    /**
     * @return the bytes an event counts for: its wire size, or the heap its decoded arguments are
     *         estimated to hold where that is more (many small objects take some 20 times their wire size)
     */
    long sizeOf(SocketPacket packet, long wireBytes) {
        return Math.max(wireBytes, DecodedSize.of(packet.args(), limits.maxBytes()));
    }

    /**
     * An event of {@code size} bytes (see {@link #sizeOf}) arrived. Session thread.
     *
     * @return false when the queue is already at a limit: the event is refused
     */
    public boolean offer(long size) {
        boolean pause;
        synchronized (this) {
            if (events >= limits.maxEvents() || bytes >= limits.maxBytes()) {
                return false;
            }
            events++;
            bytes += size;
            pause = !over && (events > limits.highEvents() || bytes > limits.highBytes());
            if (pause) {
                over = true;
            }
            stats.queued(events, bytes, size);
        }
        if (pause) {
            owner.readGate().socketOver();
        }
        return true;
    }

    /** An event of {@code size} bytes was handled (or skipped). Socket executor. */
    public void done(long size) {
        boolean resume;
        synchronized (this) {
            events--;
            bytes -= size;
            resume = over && events <= limits.lowEvents() && bytes <= limits.lowBytes();
            if (resume) {
                over = false;
            }
        }
        stats.handled(size);
        if (resume) {
            owner.readGate().socketUnder();
        }
    }

    /** @return a description of the limits for a log line. */
    public String limits() {
        return limits.maxEvents() + " events or " + limits.maxBytes() + " bytes";
    }
}
