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
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.engine.AllowRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request checks and long-polling races, one step at a time through the routing handler in
 * {@link EmbeddedChannel}s (one per HTTP connection, all on the test thread), where the end-to-end
 * tests cannot order requests that travel on separate connections.
 */
class PollingRequestChecksTest {
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final EngineServer engine = new EngineServer(EngineOptions.DEFAULT, session ->
            session.setHandler(new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
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
    void originWithAnInvalidCharacterIsABadRequest() {
        // The HTTP parser refuses such headers first; this is the engine's own check behind it.
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, POLLING,
                Unpooled.EMPTY_BUFFER, false);
        request.headers().set("Origin", "http://a\u0001b.example");
        EmbeddedChannel connection = connection();
        connection.writeInbound(request);
        Reply reply = take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", reply.body());
        assertEquals(0, engine.sessionCount());
    }

    @Test
    void upgradeRequestForThePollingTransportIsRefused() {
        EmbeddedChannel connection = connection();
        FullHttpRequest request = get(POLLING);
        request.headers().set("Connection", "Upgrade").set("Upgrade", "websocket")
                .set("Sec-WebSocket-Version", "13").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        connection.writeInbound(request);
        assertEquals(400, take(connection).status());
        assertFalse(connection.isOpen(), "a refused upgrade closes the connection");
        assertEquals(0, engine.sessionCount());
    }

    @Test
    void secondPollWhileOneWaitsIsRefusedAndTheWaitingOneGetsClose() {
        String sid = handshake();
        EmbeddedChannel first = connection();
        first.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(first.readOutbound(), "the first poll waits");

        EmbeddedChannel second = connection();
        second.writeInbound(get(POLLING + "&sid=" + sid));
        assertEquals(400, take(second).status());
        Reply closed = take(first);
        assertEquals(200, closed.status());
        assertEquals("1", closed.body());
        assertEquals(List.of("transport error"), closes);
        assertUnknown(sid);
    }

    @Test
    void malformedBodyClosesTheSessionAndEndsTheWaitingPoll() {
        String sid = handshake();
        EmbeddedChannel waiting = connection();
        waiting.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(waiting.readOutbound());

        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "9garbage", "text/plain;charset=UTF-8"));
        Reply ok = take(post);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.body());
        assertEquals("1", take(waiting).body());
        assertEquals(List.of("parse error"), closes);
        assertUnknown(sid);
    }

    @Test
    void binaryBodyIsRefusedAndClosesTheSession() {
        String sid = handshake();
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4hello", "application/octet-stream"));
        assertEquals(400, take(post).status());
        assertEquals(List.of("transport error"), closes);
        assertUnknown(sid);
    }

    @Test
    void pollWhoseConnectionClosesFailsTheSession() {
        String sid = handshake();
        EmbeddedChannel waiting = connection();
        waiting.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(waiting.readOutbound());
        waiting.close();
        runAllTasks(); // the session learns it on its own connection's loop
        assertEquals(List.of("transport error"), closes);
        assertUnknown(sid);
    }

    @Test
    void pollAfterTheUpgradeIsRefused() {
        String sid = handshake();
        EmbeddedChannel connection = connection();
        connection.writeInbound(get("/socket.io/?EIO=4&transport=websocket&sid=" + sid));
        Reply reply = take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", reply.body());
        assertTrue(closes.isEmpty(), "a bad request alone leaves the session open");
        assertNotNull(engine.session(sid));
    }

    // ---- helpers ----

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel(new EngineHttpHandler(config, engine));
        connections.add(channel);
        return channel;
    }

    private String handshake() {
        EmbeddedChannel connection = connection();
        connection.writeInbound(get(POLLING));
        Reply open = take(connection);
        assertEquals(200, open.status());
        assertTrue(open.body().startsWith("0{\"sid\":\""), open.body());
        return open.body().substring(9, open.body().indexOf('"', 9));
    }

    private void assertUnknown(String sid) {
        EmbeddedChannel connection = connection();
        connection.writeInbound(get(POLLING + "&sid=" + sid));
        Reply reply = take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", reply.body());
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    }

    private static FullHttpRequest post(String uri, String body, String contentType) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set("Content-Type", contentType).setInt("Content-Length", body.length());
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
