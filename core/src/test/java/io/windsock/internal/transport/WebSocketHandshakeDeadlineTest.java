package io.windsock.internal.transport;

import static io.windsock.internal.transport.PollingFixture.POLLING;
import static io.windsock.internal.transport.PollingFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.windsock.internal.engine.SessionLimit;
import io.windsock.internal.engine.codec.EnginePacket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket handshake whose 101 is never written (a client that reads nothing, behind its earlier
 * answers) is given up at the write deadline: the connection closes, and what waited for the WebSocket
 * goes on: a new session's place under {@code maxSessions}, the polls of an upgrading session held
 * until the WebSocket settles. And a session that closes meanwhile answers those polls at once.
 * Connections in {@link EmbeddedChannel}s; the upgrade's writes never complete, and its clock moves
 * only when the test moves it.
 */
class WebSocketHandshakeDeadlineTest {
    private static final String KEY_AND_VERSION = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private final PollingFixture polling = new PollingFixture();
    private final List<EmbeddedChannel> upgrades = new ArrayList<>();

    @AfterEach
    void release() {
        polling.close();
        upgrades.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void aNewSessionsWebSocketWhose101IsNeverWrittenClosesAndGivesItsPlaceBack() {
        SessionLimit limit = new SessionLimit(1);
        EngineServer engine = new EngineServer(EngineOptions.DEFAULT, session -> { }, limit);
        try {
            EmbeddedChannel upgrade = upgrade(engine, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n");
            assertEquals(1, limit.open(), "the handshake holds its place");
            assertEquals(0, engine.sessionCount(), "no session before the 101 is written");

            elapse(upgrade, WebSocketClose.WRITE_TIMEOUT_MILLIS - 1);
            assertTrue(upgrade.isActive());
            elapse(upgrade, 1);
            assertFalse(upgrade.isActive(), "closed at the write deadline");
            assertEquals(0, limit.open(), "the place is given back");
        } finally {
            engine.shutdown();
        }
    }

    @Test
    void anUpgradeWhose101IsNeverWrittenLetsThePollsHeldForItGoAtTheDeadline() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        EmbeddedChannel upgrade = upgrade(polling.engine,
                "GET /socket.io/?EIO=4&transport=websocket&sid=" + sid + " HTTP/1.1\r\n");
        EmbeddedChannel poll = polling.connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        polling.runAllTasks();
        assertEquals(1, ((PollingTransport) session.transport()).heldRequestCount(), "held for the WebSocket");

        elapse(upgrade, WebSocketClose.WRITE_TIMEOUT_MILLIS);
        assertFalse(upgrade.isActive(), "closed at the write deadline");
        polling.runAllTasks();
        assertTrue(session.isWritableNow(), "the held poll reached its session");
        session.send(EnginePacket.message("hi"));
        assertEquals("4hi", polling.take(poll).body());
        assertEquals(List.of(), polling.closes);
    }

    @Test
    void aSessionThatClosesWhileAnUpgradeIsArrivingAnswersThePollsHeldForIt() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        EmbeddedChannel upgrade = upgrade(polling.engine,
                "GET /socket.io/?EIO=4&transport=websocket&sid=" + sid + " HTTP/1.1\r\n");
        EmbeddedChannel poll = polling.connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        polling.runAllTasks();
        assertNull(poll.readOutbound(), "held for the WebSocket");

        session.close();
        assertEquals("1", polling.take(poll).body(), "the held poll gets the CLOSE, not a wait for the WebSocket");
        assertEquals(List.of("forced close"), polling.closes);
        assertTrue(upgrade.isActive(), "the deadline is not what released it");
    }

    /**
     * A connection with the server's HTTP handlers and the routing handler, whose writes never complete
     * until it closes (as a socket whose client reads nothing), and which has read {@code requestLine}
     * with the upgrade headers.
     */
    private EmbeddedChannel upgrade(EngineServer engine, String requestLine) {
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // only elapse() moves its clock
        channel.pipeline().addLast(new Unread(), new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new EngineHttpHandler(config, engine));
        upgrades.add(channel);
        channel.writeInbound(Unpooled.copiedBuffer(requestLine + "Host: x\r\n" + KEY_AND_VERSION, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertTrue(channel.isActive());
        return channel;
    }

    private static void elapse(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** Keeps every write pending, as a socket buffer the client never reads; a close fails them. */
    private static final class Unread extends ChannelOutboundHandlerAdapter {
        private final List<ChannelPromise> pending = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            pending.add(promise);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            pending.forEach(p -> p.tryFailure(new ClosedChannelException()));
            pending.clear();
            super.close(ctx, promise);
        }
    }
}
