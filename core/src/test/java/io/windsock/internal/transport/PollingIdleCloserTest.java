package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idle closer and long-polling requests whose answer the session holds, on connections in
 * {@link EmbeddedChannel}s whose clocks the test moves: a POST held while reading is paused, and the
 * GET waiting meanwhile, outlast the idle period; once answered, a connection idles out as any other.
 */
class PollingIdleCloserTest {
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";
    private static final long IDLE_MILLIS = 1000;

    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final EngineServer engine = new EngineServer(EngineOptions.DEFAULT, session ->
            session.setHandler(new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
                    if (text.equals("pause")) {
                        s.suspendReading(); // as the layer above does when its queue is over its mark
                    }
                }

                @Override
                public void onBinary(EngineSession s, byte[] data) {
                }

                @Override
                public void onClose(EngineSession s, String reason) {
                    closes.add(reason);
                }
            }));
    private final TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null,
            AllowRequest.ALL, false, false, HttpFallback.NONE);
    private final List<EmbeddedChannel> connections = new ArrayList<>();

    @AfterEach
    void release() {
        engine.shutdown();
        connections.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void aPostHeldWhileReadingIsPausedAndTheWaitingPollOutlastTheIdlePeriod() {
        String sid = handshake();
        EmbeddedChannel poll = connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        runAllTasks();
        assertNull(post.readOutbound(), "the POST is held while reading is paused");
        assertNull(poll.readOutbound(), "the GET waits");

        idle(poll, 5 * IDLE_MILLIS);
        idle(post, 5 * IDLE_MILLIS);
        assertTrue(post.isOpen(), "the held POST's connection is owed its answer");
        assertTrue(poll.isOpen(), "the waiting GET's connection is owed its answer");

        engine.session(sid).resumeReading();
        Reply ok = take(post);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.body());
        assertEquals(List.of(), closes);

        idle(post, 2 * IDLE_MILLIS);
        assertFalse(post.isOpen(), "answered, the connection idles out as any other");
        assertTrue(poll.isOpen());
    }

    @Test
    void aConnectionOwedNothingIdlesOut() {
        handshake();
        EmbeddedChannel quiet = connection();
        idle(quiet, IDLE_MILLIS - 1);
        assertTrue(quiet.isOpen());
        idle(quiet, 1);
        assertFalse(quiet.isOpen());
    }

    // ---- helpers ----

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // before the idle closer starts counting
        channel.pipeline().addLast(new IdleCloser(IDLE_MILLIS), new EngineHttpHandler(config, engine));
        connections.add(channel);
        return channel;
    }

    /** Moves the connection's clock on and runs its idle checks. */
    private static void idle(EmbeddedChannel connection, long millis) {
        connection.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
    }

    private String handshake() {
        EmbeddedChannel connection = connection();
        connection.writeInbound(get(POLLING));
        Reply open = take(connection);
        assertEquals(200, open.status());
        assertTrue(open.body().startsWith("0{\"sid\":\""), open.body());
        return open.body().substring(9, open.body().indexOf('"', 9));
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    }

    private static FullHttpRequest post(String uri, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set("Content-Type", "text/plain;charset=UTF-8").setInt("Content-Length", body.length());
        return request;
    }

    private record Reply(int status, String body) {
    }

    /** Runs what each connection's event loop has queued (a session lives on its handshake connection's loop). */
    private void runAllTasks() {
        connections.forEach(EmbeddedChannel::runPendingTasks);
    }

    private Reply take(EmbeddedChannel connection) {
        runAllTasks();
        FullHttpResponse response = connection.readOutbound();
        assertNotNull(response, "no response");
        try {
            return new Reply(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }
}
