package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.engine.AllowRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the WebSocket transport puts on the wire, and when it flushes, seen at the head of the real
 * pipeline (HTTP codec, routing handler, WebSocket handshake) in an {@link EmbeddedChannel}.
 */
class WebSocketFramingTest {
    private static final String UPGRADE = "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /** A client's close frame, status 1000, masked with a zero key. */
    private static final byte[] CLIENT_CLOSE_1000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8};

    private final List<String> wire = new ArrayList<>();
    private final List<ChannelPromise> unwritten = new ArrayList<>();
    private WireRecorder recorder;
    private final AtomicReference<EngineSession> session = new AtomicReference<>();
    private EngineServer engine;
    private EmbeddedChannel channel;

    @BeforeEach
    void handshake() {
        TransportConfig config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null);
        engine = new EngineServer(config.engine(), session::set);
        recorder = new WireRecorder(wire, unwritten);
        channel = new EmbeddedChannel(recorder, new HttpServerCodec(),
                new HttpObjectAggregator(65536), new EngineHttpHandler(config, engine));
        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertNotNull(session.get(), "no session opened");
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        engine.shutdown();
    }

    @Test
    void the101IsFlushedAloneBeforeTheOpenPacket() {
        int firstFlush = wire.indexOf("flush");
        assertTrue(firstFlush > 0, "no flush: " + wire);
        for (String write : wire.subList(0, firstFlush)) {
            assertTrue(write.startsWith("http:HTTP/1.1 101"), "before the first flush: " + wire);
        }
        assertEquals(List.of("frame:1:0{", "flush"), shorten(wire.subList(firstFlush + 1, wire.size()), 3), "after the 101");
    }

    @Test
    void eachPacketIsOneFrameAndOneFlushEvenWhenQueuedTogether() {
        wire.clear();
        // Both queued before the session's thread drains them: one drain hands them to the transport together.
        session.get().send(EnginePacket.message("40{\"sid\":\"x\"}"));
        session.get().send(EnginePacket.message("42[\"auth\",{}]"));
        session.get().send(List.of(EnginePacket.message("451-[\"bin\",{\"_placeholder\":true,\"num\":0}]"),
                EnginePacket.message(new byte[] {1, 2, 3})));
        channel.runPendingTasks();
        assertEquals(List.of(
                "frame:1:440{\"sid\":\"x\"}", "flush",
                "frame:1:442[\"auth\",{}]", "flush",
                "frame:1:4451-[\"bin\",{\"_placeholder\":true,\"num\":0}]", "flush",
                "frame:2:3", "flush"), wire);
    }

    @Test
    void aServerCloseWritesWhatWasQueuedThenTheCloseFrameAndWaitsForTheClientsAnswer() {
        wire.clear();
        session.get().send(EnginePacket.message("41"));
        session.get().close();
        channel.runPendingTasks();
        assertEquals(List.of("frame:1:441", "flush", "frame:8:0", "flush"), wire);
        assertTrue(channel.isActive(), "closed before the client could answer the close");
        assertEquals(EngineSession.State.CLOSING, session.get().state());

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, (byte) 0x80, 1, 2, 3, 4}));
        channel.runPendingTasks();
        assertFalse(channel.isActive(), "the client answered the close");
        assertEquals(EngineSession.State.CLOSED, session.get().state());
        assertEquals(List.of("frame:1:441", "flush", "frame:8:0", "flush"), wire, "nothing after the close frame");
    }

    @Test
    void aClientThatNeverAnswersTheCloseIsClosedAfterTheBoundedWait() {
        channel.freezeTime(); // only advanceTimeBy moves the clock: a stalled test thread cannot fire the timer early
        session.get().close();
        channel.runPendingTasks();
        channel.advanceTimeBy(WebSocketClose.REPLY_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(EngineSession.State.CLOSED, session.get().state());
    }

    @Test
    void aClientThatReadsNothingIsClosedWhenTheCloseFrameCannotGoOutInTime() {
        channel.freezeTime();
        recorder.stalled = true; // from here no write completes: the client reads nothing
        session.get().send(EnginePacket.message("41"));
        channel.runPendingTasks();
        session.get().close();
        channel.runPendingTasks();
        assertTrue(wire.contains("frame:8:0"), "the close frame is queued behind the unread frame: " + wire);
        channel.advanceTimeBy(WebSocketClose.WRITE_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive(), "closed at the write deadline");
        assertEquals(EngineSession.State.CLOSED, session.get().state());
    }

    @Test
    void aClientsCloseIsEchoedAndTheConnectionClosedOnceTheEchoIsWritten() {
        wire.clear();
        channel.writeInbound(Unpooled.wrappedBuffer(CLIENT_CLOSE_1000));
        channel.runPendingTasks();
        assertEquals(List.of("frame:8:2", "flush"), wire);
        assertFalse(channel.isActive());
        assertEquals(EngineSession.State.CLOSED, session.get().state());
    }

    @Test
    void theEchoOfAClientsCloseThatCannotGoOutIsGivenUpAtTheWriteDeadline() {
        channel.freezeTime();
        recorder.stalled = true; // the client sends its close, then reads nothing
        wire.clear();
        channel.writeInbound(Unpooled.wrappedBuffer(CLIENT_CLOSE_1000));
        channel.runPendingTasks();
        assertEquals(List.of("frame:8:2", "flush"), wire);
        assertClosedAtTheWriteDeadline();
    }

    @Test
    void aRefusedMessageFromAClientThatReadsNothingIsClosedAtTheWriteDeadline() {
        channel.freezeTime();
        recorder.stalled = true;
        wire.clear();
        // FIN text "a\xFFb", masked with a zero key: not UTF-8, so refused with 1007.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 0x83, 0, 0, 0, 0, 'a', (byte) 0xff, 'b'}));
        channel.runPendingTasks();
        assertEquals(List.of("frame:8:22", "flush"), wire, "1007 and its reason");
        assertEquals(EngineSession.State.CLOSED, session.get().state(), "the session learns at once");
        assertClosedAtTheWriteDeadline();
    }

    /** The connection, whose last write never completes, stays open until the write deadline and no longer. */
    private void assertClosedAtTheWriteDeadline() {
        channel.advanceTimeBy(WebSocketClose.WRITE_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertTrue(channel.isActive(), "closed before the write deadline");
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive(), "still held by a client that reads nothing");
        assertEquals(EngineSession.State.CLOSED, session.get().state());
    }

    @Test
    void pingsFromAClientThatReadsNothingGetOnePongOnItsWay() {
        recorder.stalled = true;
        byte[] ping = {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4}; // masked, empty
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(ping));
        }
        channel.runPendingTasks();
        assertEquals(1, wire.stream().filter("frame:10:0"::equals).count(), wire::toString);
        recorder.stalled = false;
        unwritten.forEach(ChannelPromise::setSuccess); // the client reads again
        channel.writeInbound(Unpooled.wrappedBuffer(ping));
        channel.runPendingTasks();
        assertEquals(2, wire.stream().filter("frame:10:0"::equals).count(), "answered again once the pong went out");
    }

    private static List<String> shorten(List<String> entries, int length) {
        List<String> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(entry.startsWith("frame:") ? entry.substring(0, Math.min(entry.length(), "frame:1:".length() + length - 1)) : entry);
        }
        return out;
    }

    /**
     * Records each write at the head of the pipeline: "http:" and the text for the handshake
     * response, "frame:opcode:payload" for a WebSocket frame (text payloads as text, others as their
     * length), and "flush".
     */
    private static final class WireRecorder extends ChannelOutboundHandlerAdapter {
        private final List<String> wire;
        private final List<ChannelPromise> unwritten;
        /** Whether writes are kept unfinished, as for a client that does not read. */
        boolean stalled;

        WireRecorder(List<String> wire, List<ChannelPromise> unwritten) {
            this.wire = wire;
            this.unwritten = unwritten;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf bytes = (ByteBuf) msg;
            if (bytes.isReadable()) {
                wire.add(describe(bytes));
            }
            ReferenceCountUtil.release(msg);
            if (stalled) {
                unwritten.add(promise);
            } else {
                promise.setSuccess();
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            wire.add("flush");
        }

        private static String describe(ByteBuf bytes) {
            int start = bytes.readerIndex();
            if (bytes.getByte(start) == 'H') {
                return "http:" + bytes.toString(StandardCharsets.US_ASCII);
            }
            int opcode = bytes.getByte(start) & 0x0f;
            int length = bytes.getByte(start + 1) & 0x7f;
            int offset = 2;
            if (length == 126) {
                length = bytes.getUnsignedShort(start + 2);
                offset = 4;
            }
            if (opcode == 1) {
                return "frame:1:" + bytes.toString(start + offset, length, StandardCharsets.UTF_8);
            }
            return "frame:" + opcode + ":" + length;
        }
    }
}
