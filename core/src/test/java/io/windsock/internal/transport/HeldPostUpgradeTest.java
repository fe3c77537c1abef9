package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket upgrade of a polling session whose reading is paused: the client sends UPGRADE only
 * once its POST in flight is answered, so the probe's answer must not wait for the resume. Polling
 * requests go through the routing handler in {@link EmbeddedChannel}s; the probed WebSocket is a
 * transport of the test's.
 */
class HeldPostUpgradeTest {
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final EngineServer engine = new EngineServer(EngineOptions.DEFAULT, session ->
            session.setHandler(new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
                    messages.add(text);
                    if (text.startsWith("pause")) {
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
    void aPostHeldWhenTheProbeAnswersIsAnsweredAndTheUpgradeCarriesThePause() {
        String sid = handshake();
        EngineSession session = engine.session(sid);
        EmbeddedChannel poll = connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        runAllTasks();
        assertNull(post.readOutbound(), "held while reading is paused");
        assertEquals(List.of("pause"), messages);

        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));
        assertEquals(List.of(EnginePacket.PROBE_PONG), ws.sent);
        assertEquals("6", take(poll).body(), "the waiting poll ends");
        assertEquals("ok", take(post).body(), "the POST in flight ends too: the client waits for it");

        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertTrue(session.isReadingSuspended());
        assertEquals(List.of(true), ws.suspensions, "the WebSocket is not read until the resume");
        session.resumeReading();
        assertEquals(List.of(true, false), ws.suspensions);
        assertEquals(List.of(), closes);
    }

    @Test
    void aPostThatPausesReadingAfterTheProbeAnswerIsAnsweredAtOnce() {
        String sid = handshake();
        EngineSession session = engine.session(sid);
        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));

        // Sent before the client saw the probe's answer, read after it.
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        assertEquals("ok", take(post).body());
        assertTrue(session.isReadingSuspended());

        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertEquals(List.of(true), ws.suspensions);
        assertEquals(List.of(), closes);
    }

    @Test
    void withoutAProbeAnswerThePostStaysHeldUntilTheResume() {
        String sid = handshake();
        EngineSession session = engine.session(sid);
        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws); // opened, its probe not yet read
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        runAllTasks();
        assertNull(post.readOutbound());
        session.resumeReading();
        assertEquals("ok", take(post).body());
    }

    @Test
    void aPostWithPacketsLeftStaysHeldThroughTheProbeAndDeliversThemAllOnResume() {
        String sid = handshake();
        EngineSession session = engine.session(sid);
        EmbeddedChannel poll = connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        // A slice and two more: the first packet pauses reading, so the last two wait with the POST.
        int slice = EngineOptions.DEFAULT.maxPacketsPerPayload();
        StringBuilder body = new StringBuilder("4pause");
        for (int i = 1; i < slice + 2; i++) {
            body.append('\u001e').append("4m").append(i);
        }
        EmbeddedChannel post = connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, body.toString()));
        runAllTasks();
        assertNull(post.readOutbound(), "held: two packets are still to come");
        assertEquals(slice, messages.size());

        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));
        assertEquals("6", take(poll).body());
        runAllTasks();
        assertNull(post.readOutbound(), "not answered for the probe: its last packets would be more than a slice"
                + " past the pause, or lost with the polling transport at the upgrade");

        session.resumeReading();
        assertEquals("ok", take(post).body());
        assertEquals(slice + 2, messages.size());
        assertEquals("m" + (slice + 1), messages.get(slice + 1), "all of them, in order");
        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertEquals(List.of(), closes);
    }

    /** The WebSocket being probed: records what the session sends and its reading pauses. */
    private static final class ProbedWebSocket implements EngineTransport {
        final List<EnginePacket> sent = new ArrayList<>();
        final List<Boolean> suspensions = new ArrayList<>();

        @Override
        public TransportKind kind() {
            return TransportKind.WEBSOCKET;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void send(List<EnginePacket> packets) {
            sent.addAll(packets);
        }

        @Override
        public void close() {
        }

        @Override
        public void setReadingSuspended(boolean suspended) {
            suspensions.add(suspended);
        }

        @Override
        public void discard() {
        }
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

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    }

    private static FullHttpRequest post(String uri, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.wrappedBuffer(bytes));
        request.headers().set("Content-Type", "text/plain;charset=UTF-8").setInt("Content-Length", bytes.length);
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
