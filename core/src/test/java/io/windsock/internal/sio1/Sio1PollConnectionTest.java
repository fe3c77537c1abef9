package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.AllowRequest;
import io.windsock.server.Protocol1Options;
import io.windsock.testing.Await;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection keeps its last 0.9 poll, which a request read behind it ends while it waits; it does
 * not keep that poll's session once the poll is answered (or refused): a closed and removed session
 * can be collected while connections it polled on stay open for their next requests. Connections in
 * {@link EmbeddedChannel}s; the session lives on the handshake's, whose clock the test moves.
 */
class Sio1PollConnectionTest {
    /** Checked only when the test moves the handshake's clock. */
    private static final Duration EXPIRY = Duration.ofMillis(20);

    private final Sio1Server sessions = new Sio1Server(new Sio1Settings(
            Protocol1Options.builder().sessionExpiry(EXPIRY).build(), 1 << 20, 100), (session, verdict) -> {
                session.start(new Sio1Session.Handler() {
                    @Override
                    public void onPacket(Sio1Session s, Sio1Packet packet) {
                    }

                    @Override
                    public void onClose(Sio1Session s, String reason) {
                    }
                });
                verdict.complete(null);
            });
    private final Sio1Http route = new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, 100_000);
    private final List<EmbeddedChannel> connections = new ArrayList<>();

    @AfterEach
    void release() {
        sessions.shutdown();
        connections.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void aClosedSessionIsNotKeptByTheConnectionsOfItsPolls() {
        EmbeddedChannel handshake = connection();
        handshake.writeInbound(get("/socket.io/1/"));
        String body = take(handshake, 200);
        String sid = body.substring(0, body.indexOf(':'));
        String url = "/socket.io/1/xhr-polling/" + sid;

        EmbeddedChannel answered = connection();
        answered.writeInbound(get(url));
        assertNull(answered.readOutbound(), "the poll waits");
        WeakReference<Sio1Session> session = closeSession(sid);
        assertEquals("0::", take(answered, 200), "the waiting poll gets the disconnect");
        EmbeddedChannel refused = connection();
        refused.writeInbound(get(url));
        take(refused, 401); // closed and nothing left for the client: the poll is refused

        // The expiry is measured on the system clock, its checks run on the handshake's loop.
        Await.until(() -> {
            handshake.advanceTimeBy(EXPIRY.toMillis(), TimeUnit.MILLISECONDS);
            handshake.runScheduledPendingTasks();
            return sessions.session(sid) == null;
        }, Duration.ofSeconds(10), () -> "the closed session is not removed at its expiry");
        assertTrue(answered.isOpen() && refused.isOpen(), "both connections stay for their next requests");
        Await.until(() -> {
            System.gc();
            return session.get() == null;
        }, Duration.ofSeconds(10), () -> "the removed session is still reachable");
    }

    /** Closes the session; only a weak reference to it stays in the test. */
    private WeakReference<Sio1Session> closeSession(String sid) {
        Sio1Session session = sessions.session(sid);
        assertNotNull(session);
        session.close();
        return new WeakReference<>(session);
    }

    /** A connection with the protocol-1 front end. Its clock moves only when the test moves it. */
    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                String uri = request.uri();
                int query = uri.indexOf('?');
                assertTrue(route.handle(ctx, request, query < 0 ? uri : uri.substring(0, query)));
            }
        });
        connections.add(channel);
        return channel;
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    /** Runs the connections' queued tasks, then reads and releases the connection's response. */
    private String take(EmbeddedChannel connection, int status) {
        connections.forEach(EmbeddedChannel::runPendingTasks);
        FullHttpResponse response = connection.readOutbound();
        assertNotNull(response, "no response");
        try {
            assertEquals(status, response.status().code());
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }
}
