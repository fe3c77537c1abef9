package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.ReferenceCountUtil;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the WebSocket transport writes for a shared packet (a broadcast's): the frame Netty's encoder
 * would write, from a buffer the write frees, in each client generation's form; a frame of its own,
 * compressed, on a permessage-deflate connection; nothing held after a failed write or for a closed
 * recipient. The connections live in {@link EmbeddedChannel}s with the real pipeline (whose loop runs
 * its tasks after every write, so each write is a loop iteration of its own here: the sharing across
 * recipients is {@link SharedFramesTest}'s, on a real loop).
 */
class WebSocketSharedFramesTest {
    private final List<Connection> connections = new ArrayList<>();
    private final List<EngineServer> engines = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (Connection c : connections) {
            c.recorder.releaseAll();
            c.channel.finishAndReleaseAll();
        }
        engines.forEach(EngineServer::shutdown);
    }

    @Test
    void aSharedPacketGoesAsTheFrameNettyWouldWriteFromABufferFreedByTheWrite() {
        Connection v4 = open("EIO=4", false);
        Connection v3 = open("EIO=3", false); // a text packet is the same bytes for v3 and v4
        for (int length : new int[] {20, 300, 70_000}) { // each length form of the frame header
            EnginePacket packet = EnginePacket.sharedMessage("2[\"msg\",\"" + "x".repeat(length) + "\"]");
            for (Connection conn : List.of(v4, v3)) {
                conn.transport().send(List.of(packet));
                runAllPendingTasks();
                assertEquals(1, conn.recorder.frames.size());
                assertEquals(List.of("raw"), conn.messages, "a whole frame, past the frame encoder");
                conn.messages.clear();
                ByteBuf written = conn.recorder.frames.get(0);
                ByteBuf frame = root(written);
                assertArrayEquals(SharedFramesTest.nettyFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(packet.utf8()))),
                        ByteBufUtil.getBytes(written), "the frame's bytes, " + length);
                assertEquals(1, frame.refCnt(), "the write's reference alone once the loop's turn is over");
                conn.recorder.releaseAll();
                assertEquals(0, frame.refCnt(), "freed by the write");
            }
        }
    }

    @Test
    void binaryPacketsAreFramedAsEachGenerationReadsThem() {
        Connection v4 = open("EIO=4", false);
        Connection v3 = open("EIO=3", false);
        Connection v3base64 = open("EIO=3&b64=1", false);
        Connection v4too = open("EIO=4", false);
        byte[] data = SharedFramesTest.payload(200);
        EnginePacket packet = EnginePacket.sharedBinary(data);
        for (Connection conn : List.of(v4, v3, v3base64, v4too)) {
            conn.transport().send(List.of(packet));
            runAllPendingTasks();
            assertEquals(List.of("raw"), conn.messages);
        }
        assertArrayEquals(SharedFramesTest.nettyFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))),
                ByteBufUtil.getBytes(v4.recorder.frames.get(0)));
        byte[] withType = new byte[data.length + 1];
        withType[0] = 4; // Engine.IO v3's MESSAGE type byte
        System.arraycopy(data, 0, withType, 1, data.length);
        assertArrayEquals(SharedFramesTest.nettyFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(withType))),
                ByteBufUtil.getBytes(v3.recorder.frames.get(0)));
        String base64 = "b4" + Base64.getEncoder().encodeToString(data);
        assertArrayEquals(SharedFramesTest.nettyFrame(new TextWebSocketFrame(base64)),
                ByteBufUtil.getBytes(v3base64.recorder.frames.get(0)));
        assertArrayEquals(ByteBufUtil.getBytes(v4.recorder.frames.get(0)), ByteBufUtil.getBytes(v4too.recorder.frames.get(0)));
        for (Connection conn : List.of(v4, v3, v3base64, v4too)) {
            ByteBuf frame = root(conn.recorder.frames.get(0));
            conn.recorder.releaseAll();
            assertEquals(0, frame.refCnt());
        }
    }

    @Test
    void aPerMessageDeflateConnectionGetsItsOwnCompressedFrame() throws DataFormatException {
        Connection plain = open("EIO=4", false);
        Connection deflate = open("EIO=4", true);
        String text = "2[\"msg\",\"" + "compress me ".repeat(50) + "\"]";
        EnginePacket packet = EnginePacket.sharedMessage(text);
        plain.transport().send(List.of(packet));
        runAllPendingTasks();
        deflate.transport().send(List.of(packet));
        ByteBuf uncompressed = plain.recorder.frames.get(0);
        assertEquals(0x81, uncompressed.getUnsignedByte(uncompressed.readerIndex()), "uncompressed");
        assertEquals(List.of("raw"), plain.messages, "the shared frame");
        assertEquals(List.of("TextWebSocketFrame"), deflate.messages, "a frame of its own, for the compressor");

        ByteBuf compressed = deflate.recorder.frames.get(0);
        assertEquals(0xC1, compressed.getUnsignedByte(compressed.readerIndex()), "FIN, RSV1 (compressed), text");
        int length = compressed.getUnsignedByte(compressed.readerIndex() + 1);
        int offset = 2;
        if (length == 126) {
            length = compressed.getUnsignedShort(compressed.readerIndex() + 2);
            offset = 4;
        }
        byte[] deflated = new byte[length];
        compressed.getBytes(compressed.readerIndex() + offset, deflated);
        Inflater inflater = new Inflater(true); // the client's: fed every message since the handshake (context takeover)
        for (byte[] earlier : deflate.earlierPayloads) {
            inflate(inflater, earlier);
        }
        assertEquals("4" + text, inflate(inflater, deflated), "the packet, compressed as the client negotiated");
        inflater.end();
        assertTrue(length < text.length() / 4, "compressed: " + length + " bytes");
        runAllPendingTasks();
    }

    @Test
    void aFailedWriteReleasesItsShareAndEndsThatSessionAlone() {
        Connection ok = open("EIO=4", false);
        Connection failing = open("EIO=4", false);
        failing.recorder.failure = new IOException("broken pipe");
        EnginePacket packet = EnginePacket.sharedMessage("2[\"msg\",1]");
        failing.transport().send(List.of(packet));
        assertEquals(1, failing.recorder.failed.size());
        assertEquals(0, failing.recorder.failed.get(0).refCnt(), "the failed write's frame freed");
        runAllPendingTasks();
        ok.transport().send(List.of(packet));
        runAllPendingTasks();
        ByteBuf shared = root(ok.recorder.frames.get(0));
        assertEquals(EngineSession.State.CLOSED, failing.session.get().state());
        assertEquals("transport error", failing.closeReason.get());
        assertEquals(EngineSession.State.OPEN, ok.session.get().state());
        ok.recorder.releaseAll();
        assertEquals(0, shared.refCnt());
    }

    @Test
    void aRecipientClosedBeforeItsTurnTakesNoShare() {
        Connection open = open("EIO=4", false);
        Connection closed = open("EIO=4", false);
        closed.channel.close(); // the client went away while the broadcast was on its way
        EnginePacket packet = EnginePacket.sharedMessage("2[\"msg\",2]");
        assertFalse(closed.session.get().send(packet), "a closed session refuses it");
        closed.transport().send(List.of(packet)); // and its transport writes nothing, should it be asked
        open.transport().send(List.of(packet));
        runAllPendingTasks();
        assertEquals(1, open.recorder.frames.size());
        ByteBuf shared = root(open.recorder.frames.get(0));
        assertEquals(1, shared.refCnt(), "the open recipient's write alone");
        open.recorder.releaseAll();
        assertEquals(0, shared.refCnt());
        assertTrue(closed.recorder.frames.isEmpty());
    }

    // ---- helpers ----

    private Connection open(String query, boolean deflate) {
        TransportConfig config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                deflate, false, HttpFallback.NONE, null);
        Connection c = new Connection();
        EngineServer engine = new EngineServer(config.engine(), s -> {
            c.session.set(s);
            s.setHandler(new CloseReasonHandler(c.closeReason));
        });
        engines.add(engine);
        c.recorder = new Recorder();
        c.channel = deflate
                ? new EmbeddedChannel(c.recorder, new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerCompressionHandler(65536), new EngineHttpHandler(config, engine))
                : new EmbeddedChannel(c.recorder, new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new EngineHttpHandler(config, engine));
        connections.add(c);
        String upgrade = "GET /engine.io/?" + query + "&transport=websocket HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n";
        c.channel.writeInbound(Unpooled.copiedBuffer(upgrade, StandardCharsets.US_ASCII));
        c.channel.runPendingTasks();
        assertNotNull(c.session.get(), "no session opened");
        // Right in front of the transport: what it writes, before any encoder sees it.
        c.channel.pipeline().addBefore(c.channel.pipeline().context(WebSocketTransport.class).name(), "messages",
                new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        c.messages.add(msg instanceof ByteBuf ? "raw" : msg.getClass().getSimpleName());
                        ctx.write(msg, promise);
                    }
                });
        for (ByteBuf written : c.recorder.frames) {
            if ((written.getUnsignedByte(written.readerIndex()) & 0xf0) == 0xc0) { // the OPEN packet, compressed
                c.earlierPayloads.add(ByteBufUtil.getBytes(written, written.readerIndex() + 2, written.readableBytes() - 2));
            }
        }
        c.recorder.releaseAll(); // the 101 and the OPEN packet
        return c;
    }

    /** Runs what every connection's loop has queued: the sends' drains, the batches' reports, the cache's release. */
    private void runAllPendingTasks() {
        for (Connection c : connections) {
            c.channel.runPendingTasks();
        }
    }

    /** The buffer under a written one: the frame it is a view of, through leak-detection wrappers and duplicates. */
    private static ByteBuf root(ByteBuf buf) {
        ByteBuf root = buf;
        while (root.unwrap() != null) {
            root = root.unwrap();
        }
        return root;
    }

    /** Inflates a permessage-deflate message (RFC 7692 7.2.2: the stripped tail put back). */
    private static String inflate(Inflater inflater, byte[] deflated) throws DataFormatException {
        inflater.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!inflater.needsInput()) {
            out.write(chunk, 0, inflater.inflate(chunk));
        }
        inflater.setInput(new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
        int n;
        while ((n = inflater.inflate(chunk)) > 0) {
            out.write(chunk, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final class Connection {
        final AtomicReference<EngineSession> session = new AtomicReference<>();
        final AtomicReference<String> closeReason = new AtomicReference<>();
        /** What the transport wrote: "raw" for a whole frame's bytes, else the frame object's class. */
        final List<String> messages = new ArrayList<>();
        /** The compressed payloads written before the test's (short ones: a 7-bit length). */
        final List<byte[]> earlierPayloads = new ArrayList<>();
        EmbeddedChannel channel;
        Recorder recorder;

        WebSocketTransport transport() {
            return (WebSocketTransport) session.get().transport();
        }
    }

    /**
     * At the head of the pipeline: keeps each write's buffer (as a socket's outbound buffer would until
     * the bytes are taken) and completes it, or fails it and releases the buffer, as the channel does
     * with a write that fails.
     */
    private static final class Recorder extends ChannelOutboundHandlerAdapter {
        final List<ByteBuf> frames = new ArrayList<>();
        /** The buffers under the writes that failed (already released). */
        final List<ByteBuf> failed = new ArrayList<>();
        Throwable failure;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (failure != null) {
                failed.add(root((ByteBuf) msg));
                ReferenceCountUtil.release(msg);
                promise.tryFailure(failure);
                return;
            }
            ByteBuf bytes = (ByteBuf) msg;
            if (bytes.isReadable()) {
                frames.add(bytes);
            } else {
                bytes.release();
            }
            promise.trySuccess();
        }

        /** The bytes were taken: each write's buffer goes back. */
        void releaseAll() {
            frames.forEach(ReferenceCountUtil::release);
            frames.clear();
        }
    }
}
