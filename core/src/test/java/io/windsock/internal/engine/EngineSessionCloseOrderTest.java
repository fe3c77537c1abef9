package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server close delivers every packet queued before it, then closes the transport, whichever
 * transport the session is on and wherever an upgrade stands.
 */
class EngineSessionCloseOrderTest extends EngineSessionFixture {

    @Test
    void onAWebSocketThePacketsQueuedBeforeTheCloseGoOutBeforeIt() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();
        session.send(A);
        session.send(B);
        session.close();
        scheduler.runPending();
        assertEquals(List.of(A, B), websocket.sentPackets());
        assertTrue(websocket.isClosed());
        assertEquals(EngineSession.State.CLOSING, session.state(), "closed when the connection is");
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void whatTheClientSendsWhileTheServerClosesReachesNoHandler() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        session.onPacket(websocket, EnginePacket.text(EnginePacketType.MESSAGE, "before"));
        session.send(A);
        session.close();
        scheduler.runPending();
        assertEquals(EngineSession.State.CLOSING, session.state());
        session.onPacket(websocket, EnginePacket.text(EnginePacketType.MESSAGE, "meanwhile"));
        session.onPacket(websocket, EnginePacket.message(new byte[] {1, 2}));
        assertEquals(List.of("text:before"), handler.events, "only what came while the session was open");
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void onPollingThePacketsGoOnTheNextPollAndTheCloseOnTheOneAfter() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.send(A);
        session.close();
        scheduler.runPending();
        assertEquals(List.of(), polling.sent(), "no poll waits");
        polling.poll();
        assertEquals(List.of(List.of(A)), polling.takeSent());
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.takeSent());
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void aCloseWhileTheProbeAwaitsUpgradeSendsThePacketsOnTheWebSocketThenClosesIt() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        websocket.takeSent();

        session.send(A); // the kick: its DISCONNECT, then the close
        session.close();
        scheduler.runPending();
        assertEquals(List.of(), polling.sent(), "the client no longer reads polling responses");
        assertFalse(websocket.isClosed());

        websocket.receive("5");
        assertEquals(List.of(List.of(A)), websocket.takeSent());
        assertTrue(websocket.isClosed(), "closed right after the packets");
        assertTrue(polling.isDiscarded());
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void aCloseBeforeTheProbeAnswersUsesPollingAndDropsTheProbe() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);

        session.send(A);
        session.close();
        scheduler.runPending();
        assertEquals(List.of(List.of(A)), polling.takeSent(), "on the waiting poll");
        assertFalse(session.canUpgrade());
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.takeSent());
        assertTrue(websocket.isClosed(), "the probe ends with the session");
        assertEquals(List.of("forced close"), handler.closeReasons);
    }
}
