package io.windsock.internal.transport;

import static io.windsock.internal.transport.PollingFixture.POLLING;
import static io.windsock.internal.transport.PollingFixture.get;
import static io.windsock.internal.transport.PollingFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.EngineTransport;
import io.windsock.internal.engine.TransportKind;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket upgrade of a polling session whose reading is paused: the client sends UPGRADE only
 * once its POST in flight is answered, so the probe's answer must not wait for the resume. Polling
 * requests go through the routing handler in {@link EmbeddedChannel}s; the probed WebSocket is a
 * transport of the test's.
 */
class HeldPostUpgradeTest {

    private final PollingFixture polling = new PollingFixture();

    @AfterEach
    void release() {
        polling.close();
    }

    @Test
    void aPostHeldWhenTheProbeAnswersIsAnsweredAndTheUpgradeCarriesThePause() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        EmbeddedChannel poll = polling.connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        polling.runAllTasks();
        assertNull(post.readOutbound(), "held while reading is paused");
        assertEquals(List.of("pause"), polling.messages);

        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));
        assertEquals(List.of(EnginePacket.PROBE_PONG), ws.sent);
        assertEquals("6", polling.take(poll).body(), "the waiting poll ends");
        assertEquals("ok", polling.take(post).body(), "the POST in flight ends too: the client waits for it");

        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertTrue(session.isReadingSuspended());
        assertEquals(List.of(true), ws.suspensions, "the WebSocket is not read until the resume");
        session.resumeReading();
        assertEquals(List.of(true, false), ws.suspensions);
        assertEquals(List.of(), polling.closes);
    }

    @Test
    void aPostThatPausesReadingAfterTheProbeAnswerIsAnsweredAtOnce() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));

        // Sent before the client saw the probe's answer, read after it.
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        assertEquals("ok", polling.take(post).body());
        assertTrue(session.isReadingSuspended());

        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertEquals(List.of(true), ws.suspensions);
        assertEquals(List.of(), polling.closes);
    }

    @Test
    void withoutAProbeAnswerThePostStaysHeldUntilTheResume() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws); // opened, its probe not yet read
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, "4pause"));
        polling.runAllTasks();
        assertNull(post.readOutbound());
        session.resumeReading();
        assertEquals("ok", polling.take(post).body());
    }

    @Test
    void aPostWithPacketsLeftStaysHeldThroughTheProbeAndDeliversThemAllOnResume() {
        String sid = polling.handshake();
        EngineSession session = polling.engine.session(sid);
        EmbeddedChannel poll = polling.connection();
        poll.writeInbound(get(POLLING + "&sid=" + sid));
        // A slice and two more: the first packet pauses reading, so the last two wait with the POST.
        int slice = EngineOptions.DEFAULT.maxPacketsPerPayload();
        StringBuilder body = new StringBuilder("4pause");
        for (int i = 1; i < slice + 2; i++) {
            body.append('\u001e').append("4m").append(i);
        }
        EmbeddedChannel post = polling.connection();
        post.writeInbound(post(POLLING + "&sid=" + sid, body.toString()));
        polling.runAllTasks();
        assertNull(post.readOutbound(), "held: two packets are still to come");
        assertEquals(slice, polling.messages.size());

        ProbedWebSocket ws = new ProbedWebSocket();
        session.startUpgrade(ws);
        session.onPacket(ws, EnginePacket.text(EnginePacketType.PING, "probe"));
        assertEquals("6", polling.take(poll).body());
        polling.runAllTasks();
        assertNull(post.readOutbound(), "not answered for the probe: its last packets would be more than a slice"
                + " past the pause, or lost with the polling transport at the upgrade");

        session.resumeReading();
        assertEquals("ok", polling.take(post).body());
        assertEquals(slice + 2, polling.messages.size());
        assertEquals("m" + (slice + 1), polling.messages.get(slice + 1), "all of them, in order");
        session.onPacket(ws, EnginePacket.UPGRADE);
        assertSame(ws, session.transport());
        assertEquals(List.of(), polling.closes);
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
}
