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
}
