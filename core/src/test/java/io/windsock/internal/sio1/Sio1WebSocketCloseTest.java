package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.ManualScheduler;
import io.windsock.internal.transport.WebSocketClose;
import io.windsock.server.Protocol1Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 0.9 WebSocket's last word (the echo of the client's close, the refusal of a binary frame) closes the
 * connection once written, or at the write deadline when the client reads nothing: as on Engine.IO's
 * WebSocket, a client that stops reading must not hold the connection and what waits for it. An
 * unsolicited pong is no such word: it is ignored.
 */
class Sio1WebSocketCloseTest {
    private final ManualScheduler clock = new ManualScheduler();
    private Sio1Session session;
    private EmbeddedChannel channel;
    private Sio1WebSocket ws;
    /** What the server wrote, by frame class. */
    private final List<String> written = new ArrayList<>();

    @BeforeEach
    void open() {
        Sio1Server server = new Sio1Server(new Sio1Settings(Protocol1Options.builder().build(), 100, 10), (s, verdict) -> {
            s.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session session, Sio1Packet packet) {
                }

                @Override
                public void onClose(Sio1Session session, String reason) {
                }
            });
            verdict.complete(null);
        });
        session = server.open(new EngineRequest("GET", "/socket.io/1/", Map.of(), Map.of(), null, false), clock).join();
        // Writes never complete: a client that reads nothing.
        channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                written.add(msg.getClass().getSimpleName());
                ReferenceCountUtil.release(msg);
            }
        });
        ws = new Sio1WebSocket("websocket", channel, session, 1 << 20);
        channel.pipeline().addLast(ws);
        assertTrue(session.attach(ws));
        clock.runPending();
        channel.freezeTime(); // only advanceTimeBy moves the clock
    }

    @Test
    void theEchoOfAClientsCloseThatCannotGoOutIsGivenUpAtTheWriteDeadline() {
        assertClosedAtTheWriteDeadline(new CloseWebSocketFrame(1000, ""));
    }

    @Test
    void theRefusalOfABinaryFrameThatCannotGoOutIsGivenUpAtTheWriteDeadline() {
        assertClosedAtTheWriteDeadline(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
    }

    /** RFC 6455 5.5.3: a pong may come unsolicited (a unidirectional heartbeat); ws ignores it. */
    @Test
    void anUnsolicitedPongIsIgnored() {
        channel.writeInbound(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        channel.runPendingTasks();
        clock.runPending();
        assertEquals(List.of(), written, "no close frame (1003) for a pong");
        assertTrue(channel.isActive());
        assertTrue(session.isAttached(ws));
        assertEquals(Sio1Session.State.OPEN, session.state());
    }

    private void assertClosedAtTheWriteDeadline(WebSocketFrame fromClient) {
        channel.writeInbound(fromClient);
        channel.runPendingTasks();
        channel.advanceTimeBy(WebSocketClose.WRITE_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive(), "closed before the write deadline");
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive(), "still held by a client that reads nothing");
    }
}
