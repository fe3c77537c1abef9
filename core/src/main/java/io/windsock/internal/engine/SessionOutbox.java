package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.engine.codec.EnginePacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The packets on their way to one session's client, counted against its budget (which it is, rather
 * than holds: one object per session): queued from any thread, moved to a write buffer on the
 * session's scheduler thread, taken from there in batches for the transport. Methods say which
 * thread they are for.
 */
final class SessionOutbox extends OutboundBudget {
    private static final AtomicReferenceFieldUpdater<SessionOutbox, Queued> QUEUED =
            AtomicReferenceFieldUpdater.newUpdater(SessionOutbox.class, Queued.class, "queued");
    /**
     * Packets sent from any thread, newest first, until the scheduler thread takes the whole chain to
     * {@link #bufferHead}. A chain pushed with one compare-and-set rather than a concurrent queue: an idle
     * session holds nothing here (a queue would hold itself and its empty node).
     */
    private volatile Queued queued;
    /** Set once by the packet that would have crossed the bound: later packets are refused, the session closes. */
    private static final AtomicIntegerFieldUpdater<SessionOutbox> OVERFLOWED =
            AtomicIntegerFieldUpdater.newUpdater(SessionOutbox.class, "overflowed");
    /** 1 once a packet was refused (an updater, not an AtomicBoolean: one object fewer per session). */
    private volatile int overflowed;
    /**
     * Packets waiting for the transport, oldest first, linked through the nodes they were queued in
     * (no collection per session, and no copy from the chain). Scheduler thread.
     */
    private Queued bufferHead;
    private Queued bufferTail;
    /** PONGs in the write buffer (Engine.IO v3 answers the client's pings). Scheduler thread. */
    private int bufferedPongs;

    SessionOutbox(long maxPendingBytes) {
        super(maxPendingBytes); // counts the bytes of queued and buffer; refuses packets past the bound
    }

    /**
     * Any thread: reserves room for {@code bytes} about to be queued.
     *
     * @param transportPending the bytes the transport holds, which count too
     * @return {@code null} when reserved; otherwise why not: {@code ""} when the bound was crossed
     *         before, else (this once) the description of the refusal that starts dropping the client
     */
    String reserve(long bytes, long transportPending) {
        if (overflowed != 0) {
            return "";
        }
        if (tryReserve(bytes, transportPending)) {
            return null;
        }
        return OVERFLOWED.compareAndSet(this, 0, 1) ? describeRefusal(bytes, transportPending) : "";
    }

    /**
     * One packet of the chain of {@link #queued}, linked to the one queued before it; once in the
     * write buffer, to the one queued after it.
     */
    private static final class Queued {
        final EnginePacket packet;
        Queued link;

        Queued(EnginePacket packet, Queued older) {
            this.packet = packet;
            this.link = older;
        }
    }

    /** Any thread: queues packets reserved with {@link #reserve}. */
    void add(EnginePacket packet) {
        Queued node = new Queued(packet, null);
        push(node, node);
    }

    /** Any thread: queues packets reserved with {@link #reserve}, together (nothing comes between them). */
    void addAll(List<EnginePacket> packets) {
        Queued newest = null;
        Queued oldest = null;
        for (int i = 0, n = packets.size(); i < n; i++) { // indexed: no iterator per broadcast recipient
            newest = new Queued(packets.get(i), newest);
            if (oldest == null) {
                oldest = newest;
            }
        }
        if (newest != null) {
            push(newest, oldest);
        }
    }

    /** Links the chain {@code newest}..{@code oldest} before what is queued, in one step. */
    private void push(Queued newest, Queued oldest) {
        Queued current;
        do {
            current = queued;
            oldest.link = current;
        } while (!QUEUED.compareAndSet(this, current, newest));
    }

    /** @return whether a packet was once refused at the bound. Any thread. */
    boolean overflowed() {
        return overflowed != 0;
    }

    /** Moves what was queued to the write buffer, or drops it (releasing its bytes) once closed. Scheduler thread. */
    void drain(boolean closed) {
        if (queued == null) {
            return;
        }
        Queued newest = QUEUED.getAndSet(this, null);
        if (newest == null) {
            return;
        }
        Queued oldestFirst = null;
        for (Queued node = newest; node != null; ) {
            Queued older = node.link;
            node.link = oldestFirst; // reversed in place: from here each node links to the one queued after it
            oldestFirst = node;
            node = older;
        }
        if (closed) {
            for (Queued node = oldestFirst; node != null; node = node.link) {
                release(node.packet.byteSize());
            }
        } else {
            append(oldestFirst, newest);
        }
    }

    /** Adds the chain {@code first}..{@code last} (linked oldest first) to the write buffer. */
    private void append(Queued first, Queued last) {
        if (bufferTail == null) {
            bufferHead = first;
        } else {
            bufferTail.link = first;
        }
        bufferTail = last;
    }

    /** Buffers a packet of the session's own (OPEN, PING): counted, never refused. Scheduler thread. */
    void addControl(EnginePacket packet) {
        add(packet.byteSize());
        Queued node = new Queued(packet, null);
        append(node, node);
        if (packet == EnginePacket.PONG) {
            bufferedPongs++;
        }
    }

    /** @return whether a PONG waits in the write buffer. Scheduler thread. */
    boolean hasBufferedPong() {
        return bufferedPongs > 0;
    }

    /** @return whether the write buffer is empty. Scheduler thread. */
    boolean isEmpty() {
        return bufferHead == null;
    }

    /** Takes the oldest buffered packet. */
    private EnginePacket poll() {
        Queued node = bufferHead;
        bufferHead = node.link;
        if (bufferHead == null) {
            bufferTail = null;
        }
        if (node.packet == EnginePacket.PONG) {
            bufferedPongs--;
        }
        return node.packet;
    }

    /**
     * Takes the next batch for the transport: everything for a WebSocket; for a poll response as many as
     * fit in {@code pollCap} bytes of {@code codec}'s payload, at least one (a larger packet goes alone;
     * the rest waits for the next poll). Call {@link #sent} once the transport has counted them.
     * Scheduler thread; the buffer is not empty.
     */
    List<EnginePacket> take(boolean polling, EngineCodec codec, long pollCap) {
        if (bufferHead == bufferTail) {
            return List.of(poll()); // the common case: one event
        }
        List<EnginePacket> packets = new ArrayList<>();
        long bytes = 0;
        while (bufferHead != null) {
            EnginePacket next = bufferHead.packet;
            if (polling) {
                long more = codec.payloadBytes(next, packets.isEmpty());
                if (!packets.isEmpty() && bytes + more > pollCap) {
                    break;
                }
                bytes += more;
            }
            packets.add(poll());
        }
        return packets;
    }

    /**
     * Releases a batch the transport now counts (released after, so that no moment counts it nowhere).
     * Scheduler thread.
     */
    void sent(List<EnginePacket> packets) {
        release(OutboundBudget.sizeOf(packets));
    }

    /** The session closed: drops and releases everything; later packets are dropped by {@link #drain}. Scheduler thread. */
    void clear() {
        for (Queued node = bufferHead; node != null; node = node.link) {
            release(node.packet.byteSize());
        }
        bufferHead = null;
        bufferTail = null;
        bufferedPongs = 0;
        drain(true);
    }
}
