package io.windsock.internal.server;

import io.windsock.internal.engine.ReadSwitch;
import io.windsock.internal.protocol.DecodedSize;
import io.windsock.protocol.SocketPacket;

/**
 * Counts one connection's incoming events that arrived and are not handled yet, over all its sockets
 * (those that have left and still have events to handle included), and moves the connection over and
 * back under its read gate. A raw Engine.IO session ({@link #forSession}) has one too: each of its
 * messages counts as an event of its size (characters of text, bytes of binary), held and on the wire.
 *
 * <p>Each event counts twice in bytes: its wire bytes, and its size as held (the wire bytes, or the
 * heap its decoded arguments are estimated to hold where that is more: many small objects take some 20
 * times their wire size). The marks follow the size as held, from the limits ({@code
 * WindsockOptions.maxQueuedEvents} and {@code maxQueuedEventBytes}): above a quarter of either (the
 * high-water mark) the connection's reading is paused; once both are back under an eighth (the
 * low-water mark) it resumes. The limits themselves count events and wire bytes: an event that arrives
 * while the queue is already at one is refused and the client is disconnected. A client only gets
 * there by sending while its connection does not read (at most one read buffer or one polling slice
 * arrives after the pause, which the margin between the mark and the limit absorbs in wire bytes, not
 * always in estimated heap), so it is not following the protocol's flow control; one that follows it is
 * never disconnected for the shape of what it sent.
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
    /** The events' sizes as held: what the marks follow. */
    private long bytes;
    /** The events' wire bytes: what the limit refuses on. */
    private long wireBytes;
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
     * @return the size an event is held at: its wire bytes, or the heap its decoded arguments are
     *         estimated to hold where that is more (many small objects take some 20 times their wire size)
     */
    long sizeOf(SocketPacket packet, long wireBytes) {
        return Math.max(wireBytes, DecodedSize.of(packet.args(), limits.maxBytes()));
    }

    /**
     * An event held at {@code size} bytes (see {@link #sizeOf}), of {@code wire} wire bytes, arrived.
     * Session thread.
     *
     * @return false when the queue is already at a limit: the event is refused
     */
    public boolean offer(long size, long wire) {
        boolean pause;
        synchronized (this) {
            if (events >= limits.maxEvents() || wireBytes >= limits.maxBytes()) {
                return false;
            }
            events++;
            bytes += size;
            wireBytes += wire;
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

    /** An event offered with these sizes was handled (or skipped). Socket executor. */
    public void done(long size, long wire) {
        boolean resume;
        synchronized (this) {
            events--;
            bytes -= size;
            wireBytes -= wire;
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
        return limits.maxEvents() + " events or " + limits.maxBytes() + " wire bytes";
    }
}
