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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket transport's pacing, as Node's engine.io: a batch goes out, and the next one only
 * after the first one's last frame has been written. The connection's writes are completed by
 * hand here, as a socket that takes (or does not take) the bytes would.
 */
class WebSocketPacingTest {
    private static final String UPGRADE = "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private final List<String> wire = new ArrayList<>();
    private final AtomicReference<EngineSession> session = new AtomicReference<>();
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    private HeldWrites writes;
    private EngineServer engine;
    private EmbeddedChannel channel;

    /** Opens a WebSocket session; from then on the connection's writes complete only when the test says. */
    private void open(EngineOptions options) {
        TransportConfig config = new TransportConfig("/engine.io/", options, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null);
        engine = new EngineServer(config.engine(), s -> {
            session.set(s);
            s.setHandler(new CloseReasonHandler(closeReason));
        });
        writes = new HeldWrites(wire);
        channel = new EmbeddedChannel(writes, new HttpServerCodec(),
                new HttpObjectAggregator(65536), new EngineHttpHandler(config, engine));
        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertNotNull(session.get(), "no session opened");
        assertTrue(transport().isWritable(), "the open packet's write is done");
        writes.hold = true;
        wire.clear();
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            writes.completeAll();
            channel.finishAndReleaseAll();
            engine.shutdown();
        }
    }

    private WebSocketTransport transport() {
        return (WebSocketTransport) session.get().transport();
    }

    @Test
    void theNextBatchGoesOutOnlyAfterTheLastFrameOfTheFirstIsWritten() {
        open(EngineOptions.DEFAULT);
        session.get().send(EnginePacket.message("40{\"sid\":\"x\"}"));
        channel.runPendingTasks();
        assertEquals(List.of("440{\"sid\":\"x\"}", "flush"), wire);
        assertFalse(transport().isWritable(), "a batch is on its way");
        assertFalse(session.get().isWritableNow(), "volatile packets are dropped meanwhile, as in Node");

        session.get().send(EnginePacket.message("42[\"auth\",{}]"));
        session.get().send(EnginePacket.message("42[\"second\"]"));
        channel.runPendingTasks();
        assertEquals(List.of("440{\"sid\":\"x\"}", "flush"), wire, "queued while the first batch is written");

        writes.completeAll();
        channel.runPendingTasks();
        assertEquals(List.of("440{\"sid\":\"x\"}", "flush",
                "442[\"auth\",{}]", "flush", "442[\"second\"]", "flush"), wire,
                "the packets queued meanwhile go out together, in order, one frame and one flush each");
        assertEquals(1, writes.held.size(), "one listener for the batch, on its last frame");

        session.get().send(EnginePacket.message("42[\"third\"]"));
        channel.runPendingTasks();
        assertEquals(6, wire.size(), "the second batch is still on its way");
        writes.completeAll();
        channel.runPendingTasks();
        assertEquals(List.of("442[\"third\"]", "flush"), wire.subList(6, wire.size()));
        writes.completeAll();
        channel.runPendingTasks();
        assertTrue(transport().isWritable());
        assertTrue(session.get().isWritableNow());
    }

    @Test
    void aWriteDoneAtOnceIsReportedOnTheNextLoopTurn() {
        open(EngineOptions.DEFAULT);
        writes.hold = false; // the socket takes every byte at once
        WebSocketTransport transport = transport();
        transport.send(List.of(EnginePacket.message("40{\"sid\":\"x\"}")));
        assertEquals(List.of("440{\"sid\":\"x\"}", "flush"), wire);
        assertFalse(transport.isWritable(), "what the caller queues right after waits for the next turn");
        channel.runPendingTasks();
        assertTrue(transport.isWritable());
    }

    @Test
    void aCloseWaitsBehindTheBatchOnItsWayAndThePacketsQueuedBeforeIt() {
        open(EngineOptions.DEFAULT);
        session.get().send(EnginePacket.message("42[\"a\"]"));
        channel.runPendingTasks();
        session.get().send(EnginePacket.message("41"));
        session.get().close();
        channel.runPendingTasks();
        assertEquals(List.of("442[\"a\"]", "flush"), wire, "the DISCONNECT waits for the batch; the close waits for it");
        assertEquals(EngineSession.State.CLOSING, session.get().state());

        writes.completeAll();
        channel.runPendingTasks();
        assertEquals(List.of("442[\"a\"]", "flush", "441", "flush", "close-frame", "flush"), wire);
        assertTrue(channel.isActive(), "waits for the client's answer to the close");
    }

    @Test
    void aCloseWithNothingQueuedGoesBehindTheFramesOnTheirWay() {
        open(EngineOptions.DEFAULT);
        session.get().send(EnginePacket.message("41"));
        channel.runPendingTasks();
        session.get().close();
        channel.runPendingTasks();
        assertEquals(List.of("441", "flush", "close-frame", "flush"), wire);
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAtTheBound() {
        open(EngineOptions.DEFAULT.toBuilder().maxPendingOutboundBytes(10_000).build());
        String payload = "42[\"e\",\"" + "x".repeat(990) + "\"]";
        int accepted = 0;
        while (session.get().send(EnginePacket.message(payload))) {
            accepted++;
            channel.runPendingTasks();
            assertTrue(accepted < 100, "never refused");
        }
        channel.runPendingTasks();
        assertTrue(accepted >= 8 && accepted <= 12, "refused near the bound after " + accepted);
        assertEquals(2, wire.size(), "one batch written, its write never completes: " + wire.size());
        assertEquals(EngineSession.State.CLOSED, session.get().state());
        assertEquals("transport error", closeReason.get());
        assertFalse(channel.isActive(), "aborted, not closed behind the frames the client does not read");
    }

    @Test
    void aFailedWriteEndsTheSessionWithATransportError() {
        open(EngineOptions.DEFAULT);
        session.get().send(EnginePacket.message("42[\"a\"]"));
        channel.runPendingTasks();
        session.get().send(EnginePacket.message("42[\"b\"]"));
        channel.runPendingTasks();
        writes.failAll(new IOException("broken pipe"));
        channel.runPendingTasks();
        assertEquals(EngineSession.State.CLOSED, session.get().state());
        assertEquals("transport error", closeReason.get());
        assertFalse(channel.isActive());
        assertEquals(List.of("442[\"a\"]", "flush"), wire, "nothing written after the failure");
    }

    /**
     * Records each frame at the head of the pipeline (text payloads, "close-frame", "flush") and
     * completes the writes at once, or, while {@link #hold} is set, when told.
     */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        private final List<String> wire;
        final List<ChannelPromise> held = new ArrayList<>();
        boolean hold;

        HeldWrites(List<String> wire) {
            this.wire = wire;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf bytes = (ByteBuf) msg;
            if (bytes.isReadable()) {
                wire.add(describe(bytes));
            }
            ReferenceCountUtil.release(msg);
            if (promise.isVoid()) {
                return;
            }
            if (hold) {
                held.add(promise);
            } else {
                promise.setSuccess();
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            wire.add("flush");
        }

        void completeAll() {
            List<ChannelPromise> done = new ArrayList<>(held);
            held.clear();
            done.forEach(ChannelPromise::trySuccess);
        }

        void failAll(Throwable cause) {
            List<ChannelPromise> done = new ArrayList<>(held);
            held.clear();
            done.forEach(p -> p.tryFailure(cause));
        }

        private static String describe(ByteBuf bytes) {
            int start = bytes.readerIndex();
            if (bytes.getByte(start) == 'H') {
                return "http";
            }
            int opcode = bytes.getByte(start) & 0x0f;
            int length = bytes.getByte(start + 1) & 0x7f;
            int offset = 2;
            if (length == 126) {
                length = bytes.getUnsignedShort(start + 2);
                offset = 4;
            }
            return switch (opcode) {
                case 1 -> bytes.toString(start + offset, length, StandardCharsets.UTF_8);
                case 8 -> "close-frame";
                default -> "frame:" + opcode + ":" + length;
            };
        }
    }
}
