package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.windsock.internal.engine.codec.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The frames of shared packets: their bytes (what Netty's frame encoder writes, in each length form),
 * and their life on a real event loop: one buffer per loop iteration for every recipient, the cache's
 * reference released when the iteration ends, the buffer freed by the last write.
 */
class SharedFramesTest {
    private static MultiThreadIoEventLoopGroup group;
    private static EventLoop loop;

    private final AtomicInteger builds = new AtomicInteger();
    private final SharedFrames.FrameBuilder builder = packet -> {
        builds.incrementAndGet();
        return SharedFrames.frame(ByteBufAllocator.DEFAULT, SharedFrames.FIN_TEXT, packet.utf8());
    };

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void framesAreTheBytesNettysEncoderWritesInEachLengthForm() {
        // The three header forms (RFC 6455 5.2: 7-bit length, 16 bits after 126, 64 bits after 127) and their edges.
        for (int length : new int[] {0, 5, 125, 126, 1000, 65535, 65536, 70000}) {
            byte[] payload = payload(length);
            assertArrayEquals(nettyFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload))),
                    bytesOf(SharedFrames.frame(ByteBufAllocator.DEFAULT, SharedFrames.FIN_TEXT, payload)), "text of " + length);
            assertArrayEquals(nettyFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))),
                    bytesOf(SharedFrames.frame(ByteBufAllocator.DEFAULT, SharedFrames.FIN_BINARY, payload)), "binary of " + length);
        }
    }

    @Test
    void theHeaderOfEachLengthFormLiterally() {
        assertArrayEquals(new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'},
                bytesOf(SharedFrames.frame(ByteBufAllocator.DEFAULT, SharedFrames.FIN_TEXT,
                        "hello".getBytes(StandardCharsets.US_ASCII))));
        assertArrayEquals(new byte[] {(byte) 0x82, 125}, header(SharedFrames.FIN_BINARY, 125, 2));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, 0, 126}, header(SharedFrames.FIN_TEXT, 126, 4));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, (byte) 0xff, (byte) 0xff}, header(SharedFrames.FIN_TEXT, 65535, 4));
        assertArrayEquals(new byte[] {(byte) 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}, header(SharedFrames.FIN_TEXT, 65536, 10));
        assertArrayEquals(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70}, header(SharedFrames.FIN_BINARY, 70000, 10));
    }

    @Test
    void theRecipientsOfOneIterationShareOneBufferFreedByTheLastWrite() throws Exception {
        EnginePacket packet = EnginePacket.sharedMessage("2[\"msg\",\"" + "x".repeat(300) + "\"]");
        List<ByteBuf> writes = new ArrayList<>();
        ByteBuf frame = onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                writes.add(SharedFrames.ofCurrentThread().retainedFrame(loop, packet, 0, builder));
            }
            assertEquals(1, SharedFrames.ofCurrentThread().size());
            return SharedFrames.ofCurrentThread().held(packet, 0);
        });
        assertEquals(1, builds.get(), "built once");
        assertSharedBy(frame, writes);
        assertEquals(4 - 1, onLoop(() -> {
            // A later iteration: the cache let go of its reference when the first one ended.
            assertEquals(0, SharedFrames.ofCurrentThread().size());
            return frame.refCnt();
        }), "the three writes' references remain");
        writes.forEach(ByteBuf::release); // as the channels do once the bytes are written
        assertEquals(0, frame.refCnt(), "freed once, by the last write");

        // The packet reaching the loop in a later iteration (a recipient that was still writing) is framed again.
        ByteBuf again = onLoop(() -> SharedFrames.ofCurrentThread().retainedFrame(loop, packet, 0, builder));
        assertEquals(2, builds.get());
        assertEquals("4" + packet.text(), again.toString(4, again.readableBytes() - 4, StandardCharsets.UTF_8),
                "the packet behind a 16-bit length");
        again.release();
        assertEquals(0, onLoop(() -> SharedFrames.ofCurrentThread().size()));
    }

    @Test
    void eachPacketAndWireFormHasItsOwnFrame() throws Exception {
        EnginePacket one = EnginePacket.sharedMessage("2[\"one\"]");
        EnginePacket two = EnginePacket.sharedMessage("2[\"two\"]");
        List<ByteBuf> writes = onLoop(() -> List.of(
                SharedFrames.ofCurrentThread().retainedFrame(loop, one, 0, builder),
                SharedFrames.ofCurrentThread().retainedFrame(loop, one, 9, builder),
                SharedFrames.ofCurrentThread().retainedFrame(loop, two, 0, builder),
                SharedFrames.ofCurrentThread().retainedFrame(loop, one, 0, builder)));
        assertEquals(3, builds.get());
        assertEquals("42[\"two\"]", writes.get(2).toString(2, writes.get(2).readableBytes() - 2, StandardCharsets.UTF_8));
        writes.forEach(ByteBuf::release);
    }

    @Test
    void aClientFarBehindMeetsEachOfItsBroadcastsFramedOnceInTheIteration() throws Exception {
        // Two clients that fell behind: each takes the twenty broadcasts queued meanwhile in one batch.
        List<EnginePacket> backlog = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            backlog.add(EnginePacket.sharedMessage("2[" + i + "]"));
        }
        List<ByteBuf> writes = onLoop(() -> {
            List<ByteBuf> written = new ArrayList<>();
            for (int client = 0; client < 2; client++) {
                for (EnginePacket packet : backlog) {
                    written.add(SharedFrames.ofCurrentThread().retainedFrame(loop, packet, 0, builder));
                }
            }
            return written;
        });
        assertEquals(20, builds.get(), "each broadcast framed once for both");
        writes.forEach(ByteBuf::release);
    }

    @Test
    void pastItsCapacityTheFramesAreLeftToTheirWrites() throws Exception {
        List<ByteBuf> writes = new ArrayList<>();
        List<ByteBuf> frames = onLoop(() -> {
            List<ByteBuf> made = new ArrayList<>();
            for (int i = 0; i <= SharedFrames.CAPACITY; i++) {
                EnginePacket packet = EnginePacket.sharedMessage("2[" + i + "]");
                writes.add(SharedFrames.ofCurrentThread().retainedFrame(loop, packet, 0, builder));
                made.add(SharedFrames.ofCurrentThread().held(packet, 0));
            }
            assertEquals(1, SharedFrames.ofCurrentThread().size(), "the full cache let go, the last frame is held");
            assertEquals(1, made.get(0).refCnt(), "a frame let go: its write's reference alone");
            assertEquals(2, made.get(SharedFrames.CAPACITY).refCnt(), "the newest: the cache's and its write's");
            return made;
        });
        assertEquals(SharedFrames.CAPACITY + 1, builds.get());
        assertEquals(0, onLoop(() -> SharedFrames.ofCurrentThread().size()));
        writes.forEach(ByteBuf::release);
        for (ByteBuf frame : frames) {
            assertEquals(0, frame.refCnt(), "every frame freed");
        }
    }

    @Test
    void largeFramesAreLeftToTheirWritesPastTheByteBound() throws Exception {
        int length = (int) (SharedFrames.MAX_BYTES * 3 / 8); // two fit under the bound, not three
        List<ByteBuf> writes = onLoop(() -> {
            List<ByteBuf> written = new ArrayList<>();
            ByteBuf firstFrame = null;
            for (int i = 0; i < 3; i++) {
                EnginePacket packet = EnginePacket.sharedMessage("2[\"" + "x".repeat(length) + i + "\"]");
                written.add(SharedFrames.ofCurrentThread().retainedFrame(loop, packet, 0, builder));
                if (i == 0) {
                    firstFrame = SharedFrames.ofCurrentThread().held(packet, 0);
                    assertEquals(2, firstFrame.refCnt(), "the cache's and its write's");
                }
                assertEquals(i < 2 ? i + 1 : 1, SharedFrames.ofCurrentThread().size(), "frames held after " + (i + 1));
            }
            assertEquals(1, firstFrame.refCnt(), "let go by the cache: its write's alone");
            return written;
        });
        writes.forEach(ByteBuf::release);
        assertEquals(0, onLoop(() -> SharedFrames.ofCurrentThread().size()));
    }

    /**
     * Runs {@code task} on the loop and waits for it, in an iteration after the one of the call before:
     * scheduled from the loop itself, a task is taken at the start of the next iteration only, after the
     * current one has ended (and run its end-of-iteration tasks).
     */
    private static <T> T onLoop(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, 0, TimeUnit.NANOSECONDS));
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Each write is a view of {@code frame}'s memory: a byte changed in the frame shows through each (then is restored). */
    private static void assertSharedBy(ByteBuf frame, List<ByteBuf> writes) {
        int index = frame.writerIndex() - 1;
        byte original = frame.getByte(index);
        frame.setByte(index, original ^ 0x20);
        try {
            for (ByteBuf write : writes) {
                assertEquals((byte) (original ^ 0x20), write.getByte(write.writerIndex() - 1), "a view of the shared frame");
            }
        } finally {
            frame.setByte(index, original);
        }
    }

    static byte[] nettyFrame(WebSocketFrame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        encoder.writeOutbound(frame);
        ByteBuf out = Unpooled.buffer();
        ByteBuf part;
        while ((part = encoder.readOutbound()) != null) {
            out.writeBytes(part);
            part.release();
        }
        encoder.finishAndReleaseAll();
        return bytesOf(out);
    }

    /** @return the readable bytes, releasing the buffer */
    static byte[] bytesOf(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] header(int finAndOpcode, int length, int headerLength) {
        byte[] frame = bytesOf(SharedFrames.frame(ByteBufAllocator.DEFAULT, finAndOpcode, payload(length)));
        assertEquals(headerLength + length, frame.length);
        byte[] header = new byte[headerLength];
        System.arraycopy(frame, 0, header, 0, headerLength);
        return header;
    }

    static byte[] payload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }
}
