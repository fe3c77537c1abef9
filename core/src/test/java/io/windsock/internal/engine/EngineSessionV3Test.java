package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV3;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An Engine.IO v3 session on a manual clock: the client pings, the server pongs. */
class EngineSessionV3Test extends EngineSessionFixture {
    @Test
    void openPacketAndNoServerPing() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        assertEquals(3, session.protocol());
        assertEquals(List.of(List.of(EnginePacket.text(EnginePacketType.OPEN, "{\"sid\":\"" + session.id()
                + "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}"))),
                websocket.takeSent());
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(), websocket.sent(), "the server never pings a v3 client");
    }

    @Test
    void everyPingIsAnsweredAndKeepsTheSessionOpen() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        websocket.takeSent();
        for (int i = 0; i < 10; i++) {
            scheduler.advanceMillis(44_999);
            websocket.receive("2");
            assertEquals(List.of(List.of(EnginePacket.PONG)), websocket.takeSent(), "pong " + i);
        }
        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals(List.of(), handler.closeReasons);
    }

    @Test
    void pingTimeoutAtIntervalPlusTimeoutAfterTheLastPing() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        scheduler.advanceMillis(10_000);
        websocket.receive("2");
        scheduler.advanceMillis(44_999);
        assertEquals(EngineSession.State.OPEN, session.state());
        scheduler.advanceMillis(1);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(List.of("ping timeout"), handler.closeReasons);
        assertEquals(0, scheduler.timerCount(), "every timer is cancelled");
    }

    @Test
    void aPongFromTheClientIsATransportError() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        websocket.receive("3");
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(List.of("transport error"), handler.closeReasons);
    }

    @Test
    void noTimeoutWhileReadingIsSuspended() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        session.suspendReading();
        scheduler.advanceMillis(3 * 45_000);
        assertEquals(EngineSession.State.OPEN, session.state(), "the client's ping may be waiting unread");
        session.resumeReading();
        scheduler.advanceMillis(45_000);
        assertEquals(List.of("ping timeout"), handler.closeReasons);
        assertTrue(websocket.isClosed());
    }

    @Test
    void aPingHeldBehindPausedReadingGetsPingTimeoutAfterTheResume() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling, EngineCodecV3.INSTANCE);
        polling.takeSent();
        polling.poll();
        scheduler.advanceMillis(20_000);
        session.suspendReading(); // the client's POST is held: its ping, due at 25 s, waits behind it
        scheduler.advanceMillis(24_900);
        session.resumeReading();  // 100 ms before the deadline
        scheduler.advanceMillis(19_999);
        assertEquals(EngineSession.State.OPEN, session.state(), "the ping can only be read from the resume on");
        assertEquals(List.of(), handler.closeReasons);
        polling.receive("2");
        assertEquals(List.of(List.of(EnginePacket.PONG)), polling.takeSent());
        scheduler.advanceMillis(44_999);
        assertEquals(EngineSession.State.OPEN, session.state());
        scheduler.advanceMillis(1);
        assertEquals(List.of("ping timeout"), handler.closeReasons);
    }

    @Test
    void aResumeLeavesADeadlineFartherThanPingTimeoutAsItIs() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket, EngineCodecV3.INSTANCE);
        session.suspendReading();
        scheduler.advanceMillis(1_000);
        session.resumeReading();
        scheduler.advanceMillis(43_999);
        assertEquals(EngineSession.State.OPEN, session.state());
        scheduler.advanceMillis(1);
        assertEquals(List.of("ping timeout"), handler.closeReasons);
    }

    @Test
    void pingsWhileNothingIsTakenLeaveOnePongWaiting() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling, EngineCodecV3.INSTANCE);
        polling.takeSent(); // the OPEN, on the handshake GET
        for (int i = 0; i < 1000; i++) {
            polling.receive("2"); // POSTed, never polled for
        }
        assertEquals(EnginePacket.PONG.byteSize(), session.pendingOutboundBytes(), "one PONG held, not a thousand");
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.PONG)), polling.takeSent());
        polling.receive("2");
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.PONG)), polling.takeSent(), "the next ping is answered again");
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void aClosingSessionWhoseClientPingsButTakesNothingEndsAtTheCloseDeadline() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling, EngineCodecV3.INSTANCE);
        polling.takeSent();
        session.send(EnginePacket.message("4last"));
        session.close();
        assertEquals(EngineSession.State.CLOSING, session.state(), "waits for a poll to take the last message");
        for (int i = 0; i < 2; i++) {
            scheduler.advanceMillis(20_000);
            polling.receive("2"); // the client's pings keep its heartbeat alive
        }
        assertEquals(EngineSession.State.CLOSING, session.state());
        scheduler.advanceMillis(5_000); // 45 s: pingInterval + pingTimeout after the close
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertTrue(polling.isAborted(), "its connections go without the unread rest");
        assertEquals(0, scheduler.timerCount(), "every timer is cancelled");
    }
}
