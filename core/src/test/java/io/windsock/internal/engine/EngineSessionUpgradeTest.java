package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The polling-to-WebSocket upgrade of an Engine.IO session, on a manual clock. */
class EngineSessionUpgradeTest extends EngineSessionFixture {
    // ---- upgrade ----

    @Test
    void upgradeToWebSocket() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll(); // the client keeps a GET waiting while it probes

        FakeTransport websocket = FakeTransport.websocket().bind(session);
        assertTrue(session.canUpgrade());
        session.startUpgrade(websocket);
        assertTrue(session.isUpgrading());
        assertFalse(session.canUpgrade());

        websocket.receive("2probe");
        assertEquals(List.of(List.of(EnginePacket.PROBE_PONG)), websocket.takeSent());
        assertEquals("3probe", EngineCodecV4.INSTANCE.encodeText(EnginePacket.PROBE_PONG));
        assertEquals(List.of(List.of(EnginePacket.NOOP)), polling.takeSent(), "the waiting GET ends with NOOP");

        // A GET that comes meanwhile (the client has not read 3probe yet, or never will) gets NOOP at
        // once when nothing waits, and what waits when something does, as in Node: the client reads
        // the poll it lets end before it sends UPGRADE.
        polling.poll();
        assertEquals(List.of(List.of(EnginePacket.NOOP)), polling.takeSent(), "a new GET with nothing to send");
        session.send(A);
        scheduler.runPending();
        polling.poll();
        assertEquals(List.of(List.of(A)), polling.takeSent(), "a new GET gets what was sent meanwhile");
        session.send(B);
        scheduler.runPending();
        assertEquals(List.of(), polling.sent(), "with no GET waiting, packets wait for the upgrade");
        assertEquals(List.of(), websocket.sent());

        websocket.receive("5");
        assertFalse(session.isUpgrading());
        assertTrue(session.isUpgraded());
        assertEquals("websocket", session.transportName());
        assertSame(websocket, session.transport());
        assertTrue(polling.isDiscarded());
        assertEquals(List.of(List.of(B)), websocket.takeSent(), "buffered packets go out on the WebSocket");
        assertFalse(session.canUpgrade());

        session.send(C);
        scheduler.runPending();
        assertEquals(List.of(List.of(C)), websocket.takeSent());
        assertEquals(List.of(), polling.sent());

        websocket.receive("4hi");
        session.onPacket(polling, EnginePacket.message("stale"));
        session.onDrain(polling);
        session.onTransportClose(polling);
        assertEquals(List.of("text:hi"), handler.events);
        assertEquals(EngineSession.State.OPEN, session.state());
        assertFalse(websocket.isClosed());
    }

    @Test
    void upgradeWithNoPollWaiting() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        session.send(A);
        scheduler.runPending();

        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        assertEquals(List.of(List.of(EnginePacket.PROBE_PONG)), websocket.takeSent());
        assertEquals(List.of(), polling.sent());
        websocket.receive("5");
        assertEquals(List.of(List.of(A)), websocket.sent());
        assertTrue(polling.isDiscarded());
    }

    @Test
    void heartbeatContinuesAcrossTheUpgrade() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        polling.poll();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        scheduler.advanceMillis(24_000);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        polling.takeSent();
        scheduler.advanceMillis(1_000); // the ping falls due while probing: it waits
        assertEquals(List.of(), polling.sent());
        websocket.receive("5");
        assertEquals(List.of(List.of(EnginePacket.PROBE_PONG), List.of(EnginePacket.PING)), websocket.takeSent());
        scheduler.advanceMillis(19_999);
        websocket.receive("3");
        scheduler.advanceMillis(25_000);
        assertEquals(List.of(List.of(EnginePacket.PING)), websocket.sent());
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void invalidPacketOnTheProbeClosesTheProbeOnly() {
        List<String> bads = List.of("4hello", "2", "3probe", "5", "1", "x");
        for (int i = 0; i < bads.size(); i++) {
            String bad = bads.get(i);
            FakeTransport polling = FakeTransport.polling();
            EngineSession session = open(EngineOptions.DEFAULT, polling);
            FakeTransport websocket = FakeTransport.websocket().bind(session);
            session.startUpgrade(websocket);

            websocket.receive(bad);

            assertTrue(websocket.isClosed(), bad);
            assertFalse(session.isUpgrading(), bad);
            assertEquals(EngineSession.State.OPEN, session.state(), bad);
            assertSame(polling, session.transport(), bad);
            assertTrue(session.canUpgrade(), "another probe may follow: " + bad);
            assertEquals(i + 1, scheduler.timerCount(), "the upgrade timer is cancelled, ping timers are left: " + bad);
        }
        assertEquals(List.of(), handler.closeReasons);
        assertEquals(List.of(), handler.events);
    }

    @Test
    void invalidPacketAfterTheProbeKeepsPolling() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        session.send(A);
        scheduler.runPending();

        websocket.receive("4not an upgrade");

        assertTrue(websocket.isClosed());
        assertFalse(session.isUpgraded());
        assertEquals(List.of(), handler.events);
        polling.poll();
        assertEquals(List.of(List.of(A)), polling.sent(), "held packets go out on the next poll");
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void upgradeTimeoutClosesTheProbe() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);
        polling.takeSent();
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        websocket.receive("2probe");
        session.send(A);
        scheduler.runPending();

        scheduler.advanceMillis(9_999);
        assertTrue(session.isUpgrading());
        assertFalse(websocket.isClosed());
        scheduler.advanceMillis(1);
        assertFalse(session.isUpgrading());
        assertTrue(websocket.isClosed());
        assertEquals(EngineSession.State.OPEN, session.state());
        assertSame(polling, session.transport());

        websocket.receive("5"); // too late: ignored
        assertSame(polling, session.transport());
        polling.poll();
        assertEquals(List.of(List.of(A)), polling.sent());
        assertTrue(session.canUpgrade());
    }

    @Test
    void upgradeTimeoutBeforeAnyProbe() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.builder().upgradeTimeout(Duration.ofMillis(50)).build(), polling);
        FakeTransport websocket = FakeTransport.websocket().bind(session);
        session.startUpgrade(websocket);
        scheduler.advanceMillis(49);
        assertFalse(websocket.isClosed());
        scheduler.advanceMillis(1);
        assertTrue(websocket.isClosed());
        assertEquals(EngineSession.State.OPEN, session.state());
    }

    @Test
    void probeClosedOrFailingCancelsTheUpgrade() {
        FakeTransport polling = FakeTransport.polling();
        EngineSession session = open(EngineOptions.DEFAULT, polling);

        FakeTransport first = FakeTransport.websocket().bind(session);
        session.startUpgrade(first);
        first.disconnect();
        assertFalse(session.isUpgrading());

        FakeTransport second = FakeTransport.websocket().bind(session);
        session.startUpgrade(second);
        session.onTransportError(second, "reset");
        assertFalse(session.isUpgrading());
        assertTrue(second.isClosed());

        FakeTransport third = FakeTransport.websocket().bind(session);
        session.startUpgrade(third);
        session.onParseError(third, "bad frame");
        assertFalse(session.isUpgrading());
        assertTrue(third.isClosed());

        assertEquals(EngineSession.State.OPEN, session.state());
        assertEquals(1, scheduler.timerCount(), "upgrade timers are cancelled, the ping timer is left");
        scheduler.advanceMillis(10_000);
        assertEquals(EngineSession.State.OPEN, session.state());
        assertTrue(session.canUpgrade());
    }

    @Test
    void canUpgradeRules() {
        EngineSession polling = open(EngineOptions.DEFAULT, FakeTransport.polling());
        assertTrue(polling.canUpgrade());

        assertFalse(open(EngineOptions.DEFAULT, FakeTransport.websocket()).canUpgrade(), "already on WebSocket");
        assertFalse(open(EngineOptions.builder().allowUpgrades(false).build(), FakeTransport.polling()).canUpgrade());

        FakeTransport t = FakeTransport.polling();
        EngineSession closing = open(EngineOptions.DEFAULT, t);
        closing.close();
        assertEquals(EngineSession.State.CLOSING, closing.state());
        assertFalse(closing.canUpgrade(), "closing");

        EngineSession closed = open(EngineOptions.DEFAULT, FakeTransport.polling());
        closed.onPacket(closed.transport(), EnginePacket.CLOSE);
        assertFalse(closed.canUpgrade(), "closed");

        FakeTransport p = FakeTransport.polling();
        EngineSession upgraded = open(EngineOptions.DEFAULT, p);
        FakeTransport ws = FakeTransport.websocket().bind(upgraded);
        upgraded.startUpgrade(ws);
        assertFalse(upgraded.canUpgrade(), "probing");
        ws.receive("2probe");
        assertFalse(upgraded.canUpgrade(), "probed");
        ws.receive("5");
        assertFalse(upgraded.canUpgrade(), "upgraded");
    }

}
