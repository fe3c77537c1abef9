package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * maxHttpBufferSize bounds a compressed (permessage-deflate) message by its inflated size, as Node's
 * ws bounds it by maxPayload: one over it is refused with close 1009, not a bare TCP close, and a
 * small frame that inflates to far more (a decompression bomb) is refused without being inflated in
 * full. The server's pipeline in an {@link EmbeddedChannel}, on the test thread.
 */
class WebSocketCompressedLimitTest {
    private static final int LIMIT = 100_000;

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<ByteBuf> written = new ArrayList<>();
    private EngineServer engine;
    private EmbeddedChannel channel;

    @BeforeEach
    void upgrade() {
        EngineOptions options = EngineOptions.DEFAULT.toBuilder().maxHttpBufferSize(LIMIT).build();
        TransportConfig config = new TransportConfig("/engine.io/", options, null, AllowRequest.ALL,
                true, false, HttpFallback.NONE, null);
        engine = new EngineServer(options, session -> session.setHandler(new EngineSession.Handler() {
            @Override
            public void onMessage(EngineSession s, String text) {
                messages.add(text);
            }

            @Override
            public void onBinary(EngineSession s, byte[] data) {
            }

            @Override
            public void onClose(EngineSession s, String reason) {
                closes.add(reason);
            }
        }));
        // As the server's pipeline.
        channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                written.add((ByteBuf) msg);
                promise.setSuccess();
            }
        }, new HttpServerCodec(), new HttpObjectAggregator(LIMIT), WebSocketHandshakers.compression(config),
                new EngineHttpHandler(config, engine));
        channel.writeInbound(Unpooled.copiedBuffer("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertTrue(written.get(0).toString(StandardCharsets.US_ASCII).contains("permessage-deflate"),
                "compression negotiated");
        releaseWritten();
    }

    @AfterEach
    void tearDown() {
        releaseWritten();
        channel.finishAndReleaseAll();
        engine.shutdown();
    }

    @Test
    void aCompressedMessageOfTheLimitIsDelivered() {
        String text = "4" + "a".repeat(LIMIT - 1);
        channel.writeInbound(compressedTextFrame(text.getBytes(StandardCharsets.US_ASCII)));
        channel.runPendingTasks();
        assertEquals(1, messages.size(), "delivered");
        assertEquals(text.substring(1), messages.get(0), "the whole message");
        assertTrue(channel.isActive());
        assertTrue(closes.isEmpty(), closes::toString);
    }

    @Test
    void compressedDataThatIsNotDeflateIsRefusedWith1007() {
        byte[] garbage = new byte[200];
        Arrays.fill(garbage, (byte) 0xff); // block type 3: reserved, an error in any deflate stream
        ByteBuf frame = Unpooled.buffer().writeByte(0xc1).writeByte(0x80 | 126).writeShort(garbage.length)
                .writeInt(0).writeBytes(garbage);
        channel.writeInbound(frame);
        channel.runPendingTasks();
        assertEquals(1007, closeStatus(), "as ws answers an inflate error");
        assertFalse(channel.isActive());
        assertEquals(List.of("transport error"), closes);
    }

    @Test
    void aCompressedMessageOverTheLimitIsRefusedWith1009() {
        channel.writeInbound(compressedTextFrame(("4" + "a".repeat(LIMIT)).getBytes(StandardCharsets.US_ASCII)));
        channel.runPendingTasks();
        assertEquals(1009, closeStatus(), "ws answers a message over maxPayload with 1009");
        assertFalse(channel.isActive(), "closed once the close frame is written");
        assertTrue(messages.isEmpty());
        assertEquals(List.of("transport error"), closes);
    }

    @Test
    void aDecompressionBombIsRefusedWithoutInflatingIt() {
        byte[] zeros = new byte[64 << 20]; // 64 MB of zeros: about 64 KB compressed, under the frame limit
        ByteBuf bomb = compressedTextFrame(zeros);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        channel.writeInbound(bomb);
        channel.runPendingTasks();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(1009, closeStatus());
        assertFalse(channel.isActive());
        assertTrue(allocated < 16 << 20, "inflated far past the limit: " + allocated + " bytes allocated");
    }

    /** The status of the one close frame written, and nothing written after it. */
    private int closeStatus() {
        assertEquals(1, written.size(), "one frame written");
        ByteBuf frame = written.get(0);
        int first = frame.getUnsignedByte(frame.readerIndex());
        assertEquals(0x88, first & 0x8f, "a close frame (its RSV bits aside)");
        return frame.getUnsignedShort(frame.readerIndex() + 2);
    }

    private void releaseWritten() {
        written.forEach(ReferenceCountUtil::release);
        written.clear();
    }

    /** A client's text message in one compressed frame (RSV1), masked with a zero key (RFC 7692 7.2.1). */
    private static ByteBuf compressedTextFrame(byte[] text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        int n;
        while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(chunk, 0, n);
        }
        deflater.end();
        byte[] deflated = out.toByteArray();
        byte[] payload = Arrays.copyOf(deflated, deflated.length - 4); // the 00 00 ff ff tail, stripped
        assertTrue(payload.length <= LIMIT, "a frame under the limit: " + payload.length);
        ByteBuf frame = Unpooled.buffer(payload.length + 14).writeByte(0xc1); // FIN, RSV1, text
        if (payload.length <= 125) {
            frame.writeByte(0x80 | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.writeByte(0x80 | 126).writeShort(payload.length);
        } else {
            frame.writeByte(0x80 | 127).writeLong(payload.length);
        }
        return frame.writeInt(0).writeBytes(payload);
    }
}
