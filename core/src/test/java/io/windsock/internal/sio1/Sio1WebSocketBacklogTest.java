package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.ManualScheduler;
import io.windsock.server.Protocol1Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 0.9 WebSocket hands each frame to its session's thread, which may be another, busier event loop:
 * reading stops while too many wait there, and resumes when the session has taken them.
 */
class Sio1WebSocketBacklogTest {
    private final ManualScheduler sessionThread = new ManualScheduler();
    private final List<Sio1Packet> received = new ArrayList<>();
    private Sio1Session session;
    private EmbeddedChannel channel;
    private Sio1WebSocket ws;

    @BeforeEach
    void open() {
        Sio1Server server = new Sio1Server(new Sio1Settings(Protocol1Options.builder().build(), 100, 10), (s, verdict) -> {
            s.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session session, Sio1Packet packet) {
                    received.add(packet);
                }

                @Override
                public void onClose(Sio1Session session, String reason) {
                }
            });
            verdict.complete(null);
        });
        session = server.open(new EngineRequest("GET", "/socket.io/1/", Map.of(), Map.of(), null, false),
                sessionThread).join();
        channel = new EmbeddedChannel();
        ws = new Sio1WebSocket("websocket", channel, session);
        channel.pipeline().addLast(ws);
        assertTrue(session.attach(ws));
        sessionThread.runPending();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void readingStopsWhileTheSessionsThreadLagsAndResumesWhenItCatchesUp() {
        for (int i = 1; i < Sio1WebSocket.BACKLOG_PAUSE; i++) {
            channel.writeInbound(new TextWebSocketFrame("3:::" + i));
        }
        assertTrue(channel.config().isAutoRead(), "under the mark");
        channel.writeInbound(new TextWebSocketFrame("3:::" + Sio1WebSocket.BACKLOG_PAUSE));
        assertFalse(channel.config().isAutoRead(), "stopped at the mark");

        ws.setReadingSuspended(true); // the session's own flow control, meanwhile
        sessionThread.runPending(); // the session takes every frame
        channel.runPendingTasks();
        assertEquals(Sio1WebSocket.BACKLOG_PAUSE, received.size());
        assertFalse(channel.config().isAutoRead(), "still stopped by the session");
        ws.setReadingSuspended(false);
        assertTrue(channel.config().isAutoRead(), "reading again: backlog taken, session resumed");
    }
}
