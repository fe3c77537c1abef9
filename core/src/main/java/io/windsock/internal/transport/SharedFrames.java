package io.windsock.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.windsock.internal.engine.codec.EnginePacket;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The complete WebSocket frames (header and payload) of shared packets, a broadcast's, built once per
 * event loop and written to each of the loop's recipients as a retained duplicate of one buffer: the
 * frame encoder, the copy of the payload and the allocation are paid once per loop, not per recipient.
 *
 * <p>Lifetime: a frame is kept from its first use until the end of the event loop's current
 * iteration (or until it holds {@link #CAPACITY} frames or {@link #MAX_BYTES}), when this cache
 * releases its reference; each write holds its own (the duplicate), which
 * the channel releases once the write is done or has failed. So the buffer is freed when the last
 * recipient's write is done, and a broadcast that reaches the loop again in a later iteration (a
 * recipient that was still writing the previous batch) builds the frame again there: a few frames per
 * broadcast, at most one per loop iteration, instead of one per recipient. Per loop and not per
 * broadcast, as nothing tells when a broadcast is done (adapters hold encoded packets as they like)
 * and as no reference count is shared between threads.
 *
 * <p>Threading: one instance per event loop thread, used on it only.
 */
final class SharedFrames {
    /**
     * Frames one loop iteration keeps at most; the next one lets them all go (their writes keep them
     * alive) and starts again. Far above what an iteration meets: a client that fell behind takes every
     * broadcast queued meanwhile in one batch, and its neighbours on the loop take the same ones.
     */
    static final int CAPACITY = 1024;
    /**
     * Bytes of frames one loop iteration keeps at most, as for {@link #CAPACITY}: an iteration of a
     * loop behind on its tasks may last up to Netty's task quantum (a second), and what the cache
     * holds past the frames' writes must stay small however large the broadcasts.
     */
    static final long MAX_BYTES = 4L << 20;
    /** Builds the whole frame of a packet as one client takes it (a WebSocket transport is one). */
    interface FrameBuilder {
        ByteBuf buildFrame(EnginePacket packet);
    }

    /** FIN and the opcode of a text frame (RFC 6455 5.2); RSV bits clear: not compressed. */
    static final int FIN_TEXT = 0x81;
    /** FIN and the opcode of a binary frame. */
    static final int FIN_BINARY = 0x82;

    private static final FastThreadLocal<SharedFrames> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected SharedFrames initialValue() {
            return new SharedFrames();
        }

        @Override
        protected void onRemoval(SharedFrames frames) {
            frames.dropAll(); // the loop's thread ends between a frame's use and its iteration's end
        }
    };

    /** The frames of each packet, one per wire form (usually one). */
    private final Map<EnginePacket, Entry> entries = new IdentityHashMap<>();
    /** Frames held, over all entries, and their bytes. */
    private int size;
    private long bytes;
    /** The release at the end of the iteration is queued. */
    private boolean releaseQueued;
    private final Runnable releaseAll = this::releaseAll;

    /** One wire form of a packet, and the packet's other forms. */
    private record Entry(int variant, ByteBuf frame, Entry next) {
    }

    /** @return the frames of the calling event loop thread */
    static SharedFrames ofCurrentThread() {
        return PER_THREAD.get();
    }

    /**
     * @param loop    the caller's event loop (its thread is the caller): where the release is queued
     * @param variant which wire form of the packet (the same packet may be framed differently for
     *                different clients: see the caller)
     * @param build   builds the frame on a miss, a buffer this cache then owns
     * @return the frame of {@code packet} in {@code variant}, retained for the caller, who writes it
     *         (the write releases it) or releases it
     */
    ByteBuf retainedFrame(EventLoop loop, EnginePacket packet, int variant, FrameBuilder build) {
        assert loop.inEventLoop() : "frames are kept per event loop thread";
        Entry first = entries.get(packet);
        for (Entry e = first; e != null; e = e.next) {
            if (e.variant == variant) {
                return e.frame.retainedDuplicate();
            }
        }
        ByteBuf frame = build.buildFrame(packet);
        if (size == CAPACITY || bytes + frame.readableBytes() > MAX_BYTES) {
            dropAll();
            first = null;
        }
        entries.put(packet, new Entry(variant, frame, first));
        size++;
        bytes += frame.readableBytes();
        if (!releaseQueued) {
            releaseQueued = true;
            if (loop instanceof SingleThreadIoEventLoop io) {
                io.executeAfterEventLoopIteration(releaseAll); // after this iteration's I/O and tasks
            } else {
                // Loops without I/O (a test's embedded loop) never end an iteration: after the tasks queued before.
                loop.execute(releaseAll);
            }
        }
        return frame.retainedDuplicate();
    }

    /** @return how many frames this thread holds now (for tests). */
    int size() {
        return size;
    }

    /** @return the frame held for {@code packet} in {@code variant}, not retained, or null (for tests). */
    ByteBuf held(EnginePacket packet, int variant) {
        for (Entry e = entries.get(packet); e != null; e = e.next) {
            if (e.variant == variant) {
                return e.frame;
            }
        }
        return null;
    }

    /** The iteration is over: the cache's references go; frames still being written live on in their writes. */
    private void releaseAll() {
        releaseQueued = false;
        dropAll();
    }

    private void dropAll() {
        if (size == 0) {
            return;
        }
        for (Entry first : entries.values()) {
            for (Entry e = first; e != null; e = e.next) {
                e.frame.release();
            }
        }
        entries.clear();
        size = 0;
        bytes = 0;
    }

    /**
     * Builds an unmasked server-to-client frame, final, uncompressed: what Netty's frame encoder
     * writes for a text or binary frame, in one buffer.
     *
     * @param finAndOpcode {@link #FIN_TEXT} or {@link #FIN_BINARY}
     */
    static ByteBuf frame(ByteBufAllocator alloc, int finAndOpcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.directBuffer(header + length, header + length);
        frame.writeByte(finAndOpcode);
        if (length < 126) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(payload);
        return frame;
    }
}
