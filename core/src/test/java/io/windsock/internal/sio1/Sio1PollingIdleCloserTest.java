package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.AllowRequest;
import io.windsock.internal.transport.IdleCloser;
import io.windsock.server.Protocol1Options;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idle closer and a Socket.IO 0.9 xhr-polling POST that the session holds while reading is paused
 * (flow control, which may last longer than the idle period): its connection is owed its answer and
 * stays open; once answered, it idles out as any other. Connections in {@link EmbeddedChannel}s whose
 * clocks the test moves, each with the idle closer ahead of the protocol-1 front end.
 */
class Sio1PollingIdleCloserTest {
    private static final long IDLE_MILLIS = 1000;

    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final Sio1Server sessions = new Sio1Server(new Sio1Settings(Protocol1Options.DEFAULT, 1 << 20, 100),
            (session, verdict) -> {
                session.start(new Sio1Session.Handler() {
                    @Override
                    public void onPacket(Sio1Session s, Sio1Packet packet) {
                        if ("pause".equals(packet.data())) {
                            s.suspendReading(); // as the layer above does when its queue is over its mark
                        }
                    }

                    @Override
                    public void onClose(Sio1Session s, String reason) {
                        closes.add(reason);
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
    void aPostHeldWhileReadingIsPausedOutlastsTheIdlePeriod() {
        String sid = handshake();
        String url = "/socket.io/1/xhr-polling/" + sid;
        EmbeddedChannel first = connection();
        first.writeInbound(post(url, "3:::pause"));
        assertEquals("1", take(first), "the POST that pauses reading is answered");
        EmbeddedChannel held = connection();
        held.writeInbound(post(url, "3:::next"));
        assertNull(held.readOutbound(), "the next POST is held while reading is paused");

        idle(held, 5 * IDLE_MILLIS);
        assertTrue(held.isOpen(), "the held POST's connection is owed its answer");

        sessions.session(sid).resumeReading();
        assertEquals("1", take(held));
        assertEquals(List.of(), closes);

        idle(held, 2 * IDLE_MILLIS);
        assertFalse(held.isOpen(), "answered, the connection idles out as any other");
    }

    // ---- helpers ----

    private String handshake() {
        EmbeddedChannel connection = connection();
        connection.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/socket.io/1/",
                Unpooled.EMPTY_BUFFER));
        String body = take(connection);
        return body.substring(0, body.indexOf(':'));
    }

    /** A connection: the idle closer, then the protocol-1 front end. Its clock moves only with {@link #idle}. */
    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // before the idle closer starts counting
        channel.pipeline().addLast(new IdleCloser(IDLE_MILLIS), new SimpleChannelInboundHandler<FullHttpRequest>() {
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

    private static FullHttpRequest post(String uri, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.wrappedBuffer(bytes));
        request.headers().set("Content-Type", "text/plain;charset=UTF-8").setInt("Content-Length", bytes.length);
        return request;
    }

    /** Runs the connections' queued tasks, then reads and releases the connection's response. */
    private String take(EmbeddedChannel connection) {
        connections.forEach(EmbeddedChannel::runPendingTasks);
        FullHttpResponse response = connection.readOutbound();
        assertNotNull(response, "no response");
        try {
            assertEquals(200, response.status().code());
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    /** Moves the connection's clock on and runs its idle checks. */
    private static void idle(EmbeddedChannel connection, long millis) {
        connection.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
    }
}
