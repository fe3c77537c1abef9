package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Engine.IO session state machine, on a manual clock: handshake, heartbeat, messages, close. */
class EngineSessionTest extends EngineSessionFixture {
    // ---- handshake ----

    @Test
    void openPacketOnPolling() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);

        assertEquals(List.of(List.of(EnginePacket.text(EnginePacketType.OPEN,
                "{\"sid\":\"" + session.id() + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                        + "\"pingTimeout\":20000,\"maxPayload\":1000000}"))), polling.sent());
        assertEquals("0{\"sid\":\"" + session.id() + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                + "\"pingTimeout\":20000,\"maxPayload\":1000000}", EngineCodecV4.INSTANCE.encodePayload(polling.sent().get(0)));
        assertFalse(polling.isWritable(), "the handshake GET was answered");
        assertTrue(session.id().matches("[A-Za-z0-9_-]{20}"), session.id());
        assertSame(session, server.session(session.id()));
        assertEquals(1, server.sessionCount());
        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals("polling", session.transportName());
        assertEquals(4, session.protocol());
        assertSame(polling, session.transport());
        assertSame(scheduler, session.scheduler());
        assertEquals("GET", session.request().method());
        assertEquals(List.of(session), handler.connected);
    }

    @Test
    void openPacketOnWebSocket() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);

        assertEquals(List.of(List.of(EnginePacket.text(EnginePacketType.OPEN,
                "{\"sid\":\"" + session.id() + "\",\"upgrades\":[],\"pingInterval\":25000,"
                        + "\"pingTimeout\":20000,\"maxPayload\":1000000}"))), websocket.sent());
        assertEquals("websocket", session.transportName());
    }

    @Test
    void openPacketWithoutUpgradesAndCustomTimings() {
        EngineOptions noUpgrades = EngineOptions.builder().allowUpgrades(false).pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).maxHttpBufferSize(5000).build();
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(noUpgrades, polling);
        assertEquals("{\"sid\":\"" + session.id() + "\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200,"
                + "\"maxPayload\":5000}", polling.sentPackets().get(0).text());

        FakeTransport pollingOnly = FakeTransport.polling();
        EngineSession other = open(EngineOptions.builder().transports("polling").build(), pollingOnly);
        assertTrue(pollingOnly.sentPackets().get(0).text().contains("\"upgrades\":[]"));
        assertNotEquals(session.id(), other.id());
    }

    @Test
    void sessionIdsAreUnique() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(ids.add(EngineServer.newId()));
        }
    }

    // ---- heartbeat ----

    @Test
    void pingAtExactlyPingInterval() {
        FakeTransport websocket = FakeTransport.websocket();
        open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();

        scheduler.advanceMillis(24_999);
        assertEquals(List.of(), websocket.sent());
        scheduler.advanceMillis(1);
        assertEquals(List.of(List.of(EnginePacket.PING)), websocket.sent());
    }

    @Test
    void pingOnPollingGoesToTheWaitingPollOrTheNextOne() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();

        polling.poll();
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(List.of(EnginePacket.PING)), polling.takeSent());

        polling.receive("3");
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(), polling.sent(), "no poll waits: the ping is buffered");
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.PING)), polling.takeSent());
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void pongKeepsTheSessionOpen() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();

        for (int i = 0; i < 10; i++) {
            scheduler.advanceMillis(25_000);
            assertEquals(List.of(List.of(EnginePacket.PING)), websocket.takeSent(), "ping " + i);
            scheduler.advanceMillis(19_999);
            websocket.receive("3");
        }
        // The next ping is pingInterval after the last pong.
        scheduler.advanceMillis(24_999);
        assertEquals(List.of(), websocket.sent());
        scheduler.advanceMillis(1);
        assertEquals(List.of(List.of(EnginePacket.PING)), websocket.sent());
        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals(List.of(), handler.closeReasons);
    }

    @Test
    void pingTimeoutAtExactlyIntervalPlusTimeout() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);

        scheduler.advanceMillis(44_999);
        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals(List.of(), handler.closeReasons);
        scheduler.advanceMillis(1);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(List.of("ping timeout"), handler.closeReasons);
        assertTrue(websocket.isClosed());
        assertNull(server.session(session.id()));
        assertEquals(0, scheduler.timerCount(), "every timer is cancelled");
    }

    @Test
    void pingTimeoutOnPollingWithCustomTimings() {
        EngineOptions options = EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).build();
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(options, polling);
        scheduler.advanceMillis(499);
        assertEquals(EngineSession.State.OPEN, session.state());
        scheduler.advanceMillis(1);
        assertEquals(List.of("ping timeout"), handler.closeReasons);
        assertTrue(polling.closesOnNextPoll(), "the next poll is told to close");
    }

    @Test
    void aPongHeldBehindPausedReadingGetsPingTimeoutAfterTheResume() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll();
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(List.of(EnginePacket.PING)), polling.takeSent());
        polling.poll();
        session.suspendReading(); // the client's POST is held: its pong waits behind it
        scheduler.advanceMillis(19_900);
        session.resumeReading();  // just before the deadline
        scheduler.advanceMillis(19_999);
        assertEquals(EngineSession.State.OPEN, session.state(), "the pong can only be read from the resume on");
        assertEquals(List.of(), handler.closeReasons);
        polling.receive("3");
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(List.of(EnginePacket.PING)), polling.takeSent(), "the heartbeat goes on");
        scheduler.advanceMillis(20_000);
        assertEquals(List.of("ping timeout"), handler.closeReasons, "a pong still missing ends the session");
    }

    @Test
    void aPongStillMissingTimesOutPingTimeoutAfterTheResume() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        scheduler.advanceMillis(25_000);  // PING
        session.suspendReading();
        scheduler.advanceMillis(20_000);  // PING again instead of a timeout
        scheduler.advanceMillis(5_000);
        session.resumeReading();
        scheduler.advanceMillis(19_999);
        assertEquals(EngineSession.State.OPEN, session.state());
        scheduler.advanceMillis(1);
        assertEquals(List.of("ping timeout"), handler.closeReasons);
    }

    @Test
    void clientPingIsATransportError() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.receive("2");
        assertEquals(List.of("transport error"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertTrue(websocket.isClosed());
    }

    @Test
    void clientCloseIsATransportClose() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.receive("1");
        assertEquals(List.of("transport close"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
    }

    @Test
    void clientOpenUpgradeAndNoopAreIgnored() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.receive("0{}");
        websocket.receive("5");
        websocket.receive("6");
        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals(List.of(), handler.events);
    }

    // ---- messages ----

    @Test
    void messagesReachTheHandlerInOrder() {
        FakeTransport websocket = FakeTransport.websocket();
        open(EngineOptions.DEFAULT, websocket);
        websocket.receive("4hello");
        websocket.receive(new byte[] {1, 2, 3});
        websocket.receive("4€ and 😀");
        websocket.receive("4");
        assertEquals(List.of("text:hello", "binary:3", "text:€ and 😀", "text:"), handler.events);
        assertArrayEquals(new byte[] {1, 2, 3}, handler.binaries.get(0));
    }

    @Test
    void messagesFromPolling() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        session.onPacket(polling, EnginePacket.message("x"));
        session.onPacket(polling, EnginePacket.message(new byte[] {4}));
        assertEquals(List.of("text:x", "binary:1"), handler.events);
    }

    @Test
    void packetsFromAStrangerTransportAreIgnored() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        FakeTransport stranger = FakeTransport.websocket().bind(session);
        stranger.receive("4hello");
        stranger.receive("1");
        stranger.disconnect();
        session.onDrain(stranger);
        session.onTransportError(stranger, "boom");
        session.onParseError(stranger, "bad");
        assertEquals(List.of(), handler.events);
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void sendsQueuedBeforeTheSchedulerRunsAreBatched() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();

        session.send(A);
        session.send(B);
        session.send(List.of(C, EnginePacket.message(new byte[] {1})));
        assertEquals(List.of(), websocket.sent(), "nothing is written before the scheduler runs");
        assertEquals(1, scheduler.queuedCount(), "one drain task for many sends");
        scheduler.runPending();
        assertEquals(List.of(List.of(A, B, C, EnginePacket.message(new byte[] {1}))), websocket.takeSent());

        session.send(A);
        scheduler.runPending();
        session.send(B);
        scheduler.runPending();
        assertEquals(List.of(List.of(A), List.of(B)), websocket.sent());
    }

    @Test
    void pollingBuffersUntilAPollArrives() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();

        session.send(A);
        scheduler.runPending();
        session.send(B);
        scheduler.runPending();
        assertEquals(List.of(), polling.sent());

        polling.poll();
        assertEquals(List.of(List.of(A, B)), polling.takeSent(), "one response holds everything buffered");
        assertFalse(polling.isWritable());

        polling.poll();
        assertEquals(List.of(), polling.sent(), "nothing to send: the poll waits");
        assertTrue(polling.isWritable());
        session.send(C);
        scheduler.runPending();
        assertEquals(List.of(List.of(C)), polling.takeSent());
    }

    @Test
    void sendsWhileNotWritableKeepTheirOrderWithPings() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.send(A);
        scheduler.advanceMillis(25_000);
        session.send(B);
        scheduler.runPending();
        polling.poll();
        assertEquals(List.of(List.of(A, EnginePacket.PING, B)), polling.sent());
    }

    // ---- close ----

    @Test
    void serverCloseOnPollingWithAWaitingPoll() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll();

        session.close();

        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.sent());
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
        assertEquals(0, scheduler.timerCount());
    }

    @Test
    void serverCloseOnPollingFlushesOnTheWaitingPollThenClosesOnTheNext() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll();
        session.send(A);
        session.send(B);

        session.close();

        assertEquals(List.of(List.of(A, B)), polling.takeSent(), "queued packets are flushed first");
        assertEquals(EngineSession.State.CLOSING, session.state());
        assertEquals(List.of(), handler.closeReasons);
        session.send(C);
        scheduler.runPending();

        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.sent());
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
        assertEquals(0, scheduler.timerCount());
    }

    @Test
    void lingeringSessionStaysFindableUntilForgottenOrExpired() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        session.lingerAfterClose(2000);

        session.onTransportClose(polling);

        assertEquals(List.of("transport close"), handler.closeReasons);
        assertSame(session, server.session(session.id()), "findable while it lingers");
        scheduler.advance(Duration.ofMillis(1999));
        assertSame(session, server.session(session.id()));
        scheduler.advance(Duration.ofMillis(1));
        assertNull(server.session(session.id()), "removed once the linger ends");

        FakeTransport other = FakeTransport.polling();
        EngineSession forgotten = open(EngineOptions.DEFAULT, other);
        forgotten.lingerAfterClose(2000);
        forgotten.onTransportClose(other);
        forgotten.forget();
        assertNull(server.session(forgotten.id()), "forget() removes it at once");
    }

    @Test
    void forgetDoesNothingWhileOpen() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        session.forget();
        assertSame(session, server.session(session.id()));
    }

    @Test
    void serverCloseOnPollingWithNoWaitingPoll() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();

        session.close();

        assertEquals(EngineSession.State.CLOSING, session.state());
        assertEquals(List.of(), polling.sent());
        assertTrue(polling.closesOnNextPoll());
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.sent());
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertNull(server.session(session.id()));
    }

    @Test
    void serverCloseOnPollingWithBufferedPacketsAndNoWaitingPoll() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.send(A);
        scheduler.runPending();
        session.send(B);

        session.close();

        assertEquals(EngineSession.State.CLOSING, session.state());
        assertEquals(List.of(), polling.sent());
        polling.poll();
        assertEquals(List.of(List.of(A, B)), polling.takeSent());
        assertEquals(EngineSession.State.CLOSING, session.state());
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.CLOSE)), polling.sent());
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void serverCloseOnPollingEndsEvenIfTheClientNeverPollsAgain() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);

        session.close();

        scheduler.advanceMillis(44_999);
        assertEquals(EngineSession.State.CLOSING, session.state());
        scheduler.advanceMillis(1);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertNull(server.session(session.id()));
    }

    @Test
    void serverCloseOnWebSocket() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();
        session.send(A);
        session.send(B);

        session.close();

        assertEquals(List.of(List.of(A, B)), websocket.sent(), "flushed before the close");
        assertTrue(websocket.isClosed());
        assertEquals(EngineSession.State.CLOSING, session.state());
        assertFalse(session.canUpgrade());
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
    }

    @Test
    void serverCloseOnWebSocketWithNothingQueued() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();
        session.close();
        assertEquals(List.of(), websocket.sent());
        assertTrue(websocket.isClosed());
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void serverCloseDuringAnUpgrade() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        websocket.takeSent();
        session.send(A);

        session.close();
        assertEquals(EngineSession.State.CLOSING, session.state());

        websocket.receive("5");
        assertEquals(List.of(List.of(A)), websocket.sent(), "flushed on the new transport");
        assertTrue(websocket.isClosed());
        websocket.disconnect();
        assertEquals(List.of("forced close"), handler.closeReasons);
        assertNull(server.session(session.id()));
    }

    @Test
    void closeTwiceIsHarmless() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        session.close();
        session.close();
        websocket.disconnect();
        session.close();
        assertEquals(List.of("forced close"), handler.closeReasons);
    }

    @Test
    void transportCloseEndsTheSession() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.disconnect();
        assertEquals(List.of("transport close"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
        assertEquals(0, server.sessionCount());
        assertEquals(0, scheduler.timerCount());
    }

    @Test
    void transportErrorAndParseError() {
        FakeTransport first = FakeTransport.polling();
        EngineSession a = open(EngineOptions.DEFAULT, first);
        a.onTransportError(first, "overlap from client");
        assertEquals(List.of("transport error"), handler.closeReasons);

        FakeTransport second = FakeTransport.websocket();
        open(EngineOptions.DEFAULT, second);
        second.receive("9");
        assertEquals(List.of("transport error", "parse error"), handler.closeReasons);
        assertTrue(second.isClosed());
        assertEquals(0, server.sessionCount());
    }

    @Test
    void closeDuringAnUpgradeClosesTheProbe() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        polling.receive("1");
        assertEquals(List.of("transport close"), handler.closeReasons);
        assertTrue(websocket.isClosed());
        assertFalse(session.isUpgrading());
        assertEquals(0, scheduler.timerCount());
    }

    @Test
    void afterCloseSendsAreDroppedAndEventsIgnored() {
        FakeTransport websocket = FakeTransport.websocket();
        EngineSession session = open(EngineOptions.DEFAULT, websocket);
        websocket.takeSent();
        session.send(A); // queued, not yet drained
        websocket.disconnect();

        scheduler.runPending();
        session.send(B);
        session.send(List.of(C));
        scheduler.advanceMillis(100_000);
        assertEquals(List.of(), websocket.sent());

        session.onPacket(websocket, EnginePacket.message("late"));
        session.onDrain(websocket);
        session.onTransportClose(websocket);
        session.onTransportError(websocket, "late");
        session.onParseError(websocket, "late");
        session.close();
        assertEquals(List.of(), handler.events);
        assertEquals(List.of("transport close"), handler.closeReasons, "onClose exactly once");
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertNull(server.session(session.id()));
    }

    @Test
    void shutdownClosesEverySession() {
        EngineSession a = open(EngineOptions.DEFAULT, FakeTransport.polling());
        FakeTransport ws = FakeTransport.websocket();
        EngineSession b = open(EngineOptions.DEFAULT, ws);
        assertEquals(2, server.sessionCount());
        assertEquals(2, server.sessions().size());

        server.shutdown();

        assertEquals(List.of("server shutting down", "server shutting down"), handler.closeReasons);
        assertEquals(EngineSession.State.CLOSED, a.state());
        assertEquals(EngineSession.State.CLOSED, b.state());
        assertTrue(ws.isClosed());
        assertEquals(0, server.sessionCount());
        assertNull(server.session(null));
    }

}
