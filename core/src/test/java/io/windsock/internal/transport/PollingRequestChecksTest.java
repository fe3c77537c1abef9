package io.windsock.internal.transport;

import static io.windsock.internal.transport.PollingFixture.POLLING;
import static io.windsock.internal.transport.PollingFixture.get;
import static io.windsock.internal.transport.PollingFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.windsock.internal.transport.PollingFixture.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request checks and long-polling races, one step at a time through the routing handler in
 * {@link EmbeddedChannel}s (one per HTTP connection, all on the test thread), where the end-to-end
 * tests cannot order requests that travel on separate connections.
 */
class PollingRequestChecksTest {
    private final PollingFixture polling = new PollingFixture();

    @AfterEach
    void release() {
        polling.close();
    }

    @Test
    void originWithAnInvalidCharacterIsABadRequest() {
        // The HTTP parser refuses such headers first; this is the engine's own check behind it.
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, POLLING,
                Unpooled.EMPTY_BUFFER, false);
        request.headers().set("Origin", "http://a\u0001b.example");
        EmbeddedChannel connection = polling.connection();
        connection.writeInbound(request);
        Reply reply = polling.take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", reply.body());
        assertEquals(0, polling.engine.sessionCount());
    }

    @Test
    void upgradeRequestForThePollingTransportIsRefused() {
        EmbeddedChannel connection = polling.connection();
        FullHttpRequest request = get(POLLING);
        request.headers().set("Connection", "Upgrade").set("Upgrade", "websocket")
                .set("Sec-WebSocket-Version", "13").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        connection.writeInbound(request);
        assertEquals(400, polling.take(connection).status());
        assertFalse(connection.isOpen(), "a refused upgrade closes the connection");
        assertEquals(0, polling.engine.sessionCount());
    }

    @Test
    void secondPollWhileOneWaitsIsRefusedAndTheWaitingOneGetsClose() {
        String sid = polling.handshake();
        EmbeddedChannel first = polling.connection();
        first.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(first.readOutbound(), "the first poll waits");

        EmbeddedChannel second = polling.connection();
        second.writeInbound(get(POLLING + "&sid=" + sid));
        assertEquals(400, polling.take(second).status());
        Reply closed = polling.take(first);
        assertEquals(200, closed.status());
        assertEquals("1", closed.body());
        assertEquals(List.of("transport error"), polling.closes);
        assertUnknown(sid);
    }

    @Test
    void malformedBodyClosesTheSessionAndEndsTheWaitingPoll() {
        String sid = polling.handshake();
        EmbeddedChannel waiting = polling.connection();
        waiting.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(waiting.readOutbound());

        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "9garbage", "text/plain;charset=UTF-8"));
        Reply ok = polling.take(post);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.body());
        assertEquals("1", polling.take(waiting).body());
        assertEquals(List.of("parse error"), polling.closes);
        assertUnknown(sid);
    }

    @Test
    void postWhileTheServerCloseWaitsForTheNextPollIsAnsweredOk() {
        // The server closed the session with no poll waiting: the next poll takes the CLOSE. A POST the
        // client sent meanwhile is answered "ok", as engine.io answers it while the session is closing
        // (an error there would make the client close with "transport error" and reconnect), and its
        // packets are not delivered; the client's own CLOSE in such a POST ends the session at once.
        String sid = polling.handshake();
        polling.engine.session(sid).close();
        polling.runAllTasks();
        assertTrue(polling.closes.isEmpty(), "the session waits for its last poll");

        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4late"));
        Reply ok = polling.take(post);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.body());
        assertTrue(polling.messages.isEmpty(), "a closing session delivers nothing more");

        EmbeddedChannel leaving = polling.connection();
        leaving.writeInbound(post(POLLING + "&sid=" + sid, "1"));
        assertEquals("ok", polling.take(leaving).body());
        assertEquals(List.of("forced close"), polling.closes);
    }

    @Test
    void binaryBodyIsRefusedAndClosesTheSession() {
        String sid = polling.handshake();
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4hello", "application/octet-stream"));
        Reply refused = polling.take(post);
        assertEquals(400, refused.status());
        assertEquals("", refused.body(), "a bare 400, as engine.io's (res.writeHead(400).end())");
        assertEquals(List.of("transport error"), polling.closes);
        assertUnknown(sid);
    }

    @Test
    void pollWhoseConnectionClosesFailsTheSession() {
        String sid = polling.handshake();
        EmbeddedChannel waiting = polling.connection();
        waiting.writeInbound(get(POLLING + "&sid=" + sid));
        assertNull(waiting.readOutbound());
        waiting.close();
        polling.runAllTasks(); // the session learns it on its own connection's loop
        assertEquals(List.of("transport error"), polling.closes);
        assertUnknown(sid);
    }

    @Test
    void pollAfterTheUpgradeIsRefused() {
        String sid = polling.handshake();
        EmbeddedChannel connection = polling.connection();
        connection.writeInbound(get("/socket.io/?EIO=4&transport=websocket&sid=" + sid));
        Reply reply = polling.take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", reply.body());
        assertTrue(polling.closes.isEmpty(), "a bad request alone leaves the session open");
        assertNotNull(polling.engine.session(sid));
    }

    // ---- helpers ----

    private void assertUnknown(String sid) {
        EmbeddedChannel connection = polling.connection();
        connection.writeInbound(get(POLLING + "&sid=" + sid));
        Reply reply = polling.take(connection);
        assertEquals(400, reply.status());
        assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", reply.body());
    }
}
