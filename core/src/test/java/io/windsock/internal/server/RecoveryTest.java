package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.adapter.PersistedSession;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.internal.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    private final MutableClock clock = new MutableClock();
    private final List<Socket> connected = new ArrayList<>();
    private SocketLayer layer;
    private Namespace main;

    private void start(ConnectionStateRecovery recovery, AdapterFactory adapter) {
        layer = SocketLayer.withAdapters(WindsockOptions.builder().connectionStateRecovery(recovery).build(), adapter);
        main = layer.server.of("/");
        main.onConnection(connected::add);
    }

    private void start() {
        start(ConnectionStateRecovery.defaults(), ns -> new InMemoryAdapter(ns, clock));
    }

    /** A first connection: returns its CONNECT reply payload. */
    private Map<String, Object> firstConnect(SocketLayer.TestClient client) {
        List<String> got = client.take();
        assertEquals(1, got.size(), got::toString);
        return Wire.connectReply(got.get(0));
    }

    private static String offsetOf(String eventPacket) {
        List<Object> event = Wire.event(eventPacket);
        return (String) event.get(event.size() - 1);
    }

    private static String reconnectAuth(Map<String, Object> reply, String offset) {
        return "{\"pid\":\"" + reply.get("pid") + "\",\"offset\":\"" + offset + "\"}";
    }

    @Test
    void storedEventsCarryAnOffsetAndMissedOnesAreReplayedInOrderAfterTheConnectReply() {
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        String sid = (String) reply.get("sid");
        assertNotNull(reply.get("pid"), "the CONNECT reply carries a pid when recovery is on");
        assertNotEquals(sid, reply.get("pid"));
        Socket socket = connected.get(0);
        socket.join("room");
        socket.data().put("user", "ann");

        main.to("room").emit("e", 1);
        socket.emit("direct", 2);
        socket.emitWithAck(Duration.ofSeconds(30), "asks", 0);
        main.volatileEvents().emit("vol", 0);
        List<String> got = client.take();
        assertEquals(4, got.size(), got::toString);
        assertEquals(List.of("e", 1), Wire.event(got.get(0)).subList(0, 2));
        assertEquals(List.of("direct", 2), Wire.event(got.get(1)).subList(0, 2));
        assertEquals(3, Wire.event(got.get(1)).size(), "an emit to one socket is stored too");
        assertTrue(got.get(2).matches("2\\d+\\[\"asks\",0]"), "an event with an ack gets no offset: " + got.get(2));
        assertEquals("2[\"vol\",0]", got.get(3), "a volatile event gets no offset");
        String lastOffset = offsetOf(got.get(1));

        client.drop();
        assertFalse(socket.isConnected());
        main.to("room").emit("e", 3);
        main.to("other").emit("not for it", 0);
        main.emit("all", 4);
        main.except("room").emit("not for it", 0);
        main.to("room").volatileEvents().emit("vol", 0);

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, lastOffset));
        got = again.take();
        assertEquals(3, got.size(), got::toString);
        assertEquals(Map.of("sid", sid, "pid", reply.get("pid")), Wire.connectReply(got.get(0)));
        assertEquals(List.of("e", 3), Wire.event(got.get(1)).subList(0, 2));
        assertEquals(List.of("all", 4), Wire.event(got.get(2)).subList(0, 2));

        Socket recovered = connected.get(1);
        assertTrue(recovered.recovered());
        assertEquals(sid, recovered.id());
        assertEquals(Set.of(sid, "room"), recovered.rooms());
        assertEquals(Map.of("user", "ann"), recovered.data());
        main.to("room").emit("e", 5);
        assertEquals(List.of("e", 5), Wire.event(again.take().get(0)).subList(0, 2));
    }

    @Test
    void acksAreNotPartOfTheSessionAndTheRecoveredClientsLateAnswersAreIgnored() throws Exception {
        // As in socket.io 4.8: events with an ack id are not stored, and the recovered socket starts
        // with no pending ack. Node's callback of the earlier socket then waits out its timeout; here
        // the socket leaving fails it at once.
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        Socket socket = connected.get(0);
        socket.emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        CompletableFuture<List<Object>> own = socket.emitWithAck(Duration.ofSeconds(30), "asks");
        CompletableFuture<List<Object>> shared = main.timeout(Duration.ofSeconds(1)).emitWithAck("poll");
        List<String> got = client.take();
        assertEquals(2, got.size(), got::toString);
        long ownId = Wire.ackId(got.get(0));
        long sharedId = Wire.ackId(got.get(1));

        client.drop();
        ExecutionException left = assertThrows(ExecutionException.class, () -> own.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, left.getCause());

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        got = again.take();
        assertEquals(1, got.size(), "the CONNECT reply alone, no event with an ack replayed: " + got);
        again.send("3" + ownId + "[\"late\"]");
        again.send("3" + sharedId + "[\"late\"]");
        ExecutionException timedOut = assertThrows(ExecutionException.class, () -> shared.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), assertInstanceOf(BroadcastTimeoutException.class, timedOut.getCause()).responses(),
                "the recovered socket's answer does not count for its predecessor");
        assertEquals(0, ((SocketImpl) connected.get(1)).pendingAckCount());
        assertEquals(List.of(), again.take(), "the connection stays open");
    }

    @Test
    void aSocketIoPacketThatDoesNotDecodeClosesTheEngineAndTheSessionIsKept() {
        // Node's client.onerror closes the engine connection: "forced close", recoverable, no DISCONNECT.
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        List<String> reasons = new ArrayList<>();
        Socket socket = connected.get(0);
        socket.onDisconnect(reason -> reasons.add(reason.wire()));
        socket.emit("e", 1);
        String offset = offsetOf(client.take().get(0));

        client.send("2[");
        assertEquals(List.of("forced close"), reasons);
        assertTrue(client.transport.closed, "the engine connection is closed");
        assertEquals(List.of(), client.take(), "no DISCONNECT before the close");
        InMemoryAdapter adapter = (InMemoryAdapter) layer.server.of("/").adapter();
        assertEquals(1, adapter.persistedSessionCount());

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        assertEquals(reply.get("sid"), firstConnect(again).get("sid"));
        assertTrue(connected.get(1).recovered());
    }

    @Test
    void anExpiredSessionIsPurgedAndTheClientConnectsAfresh() {
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.drop();
        InMemoryAdapter adapter = (InMemoryAdapter) layer.server.of("/").adapter();
        assertEquals(1, adapter.persistedSessionCount());

        clock.advance(Duration.ofMinutes(2).plusMillis(1));
        adapter.purgeExpired();
        assertEquals(0, adapter.persistedSessionCount());
        assertEquals(0, adapter.storedEventCount());

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        Map<String, Object> second = firstConnect(again);
        assertNotEquals(reply.get("sid"), second.get("sid"));
        assertNotEquals(reply.get("pid"), second.get("pid"));
        assertFalse(connected.get(1).recovered());
    }

    @Test
    void aStringThatEndsAnUnstoredEventIsNoOffset() {
        // socket.io-client takes the last argument of any event, when a string, for its offset: here
        // a volatile event's "1", which named the first stored event. Node 4.8 knows no stored event by
        // that id and connects the client afresh; taken for an offset, it replayed events 2 and 3, which
        // the client had, as missed.
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).join("room");
        for (int i = 1; i <= 3; i++) {
            main.to("room").emit("e", i);
        }
        main.volatileEvents().emit("price", "1");
        List<String> got = client.take();
        assertEquals(4, got.size(), got::toString);
        String bogus = offsetOf(got.get(3));
        assertEquals("1", bogus);
        client.drop();

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, bogus));
        got = again.take();
        assertEquals(1, got.size(), "nothing replayed: " + got);
        assertNotEquals(reply.get("sid"), Wire.connectReply(got.get(0)).get("sid"));
        assertFalse(connected.get(1).recovered());
    }

    @Test
    void aSessionIsKeptForTheWholeWindowAndUsedOnce() {
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.drop();
        clock.advance(Duration.ofMinutes(2));

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        assertEquals(reply.get("sid"), Wire.sid(again.take().get(0)));
        again.drop();
        // Dropped again right away: its new session is kept, but the old pid is not restored twice.
        SocketLayer.TestClient third = layer.connect("/", reconnectAuth(reply, offset));
        assertEquals(reply.get("sid"), Wire.sid(third.take().get(0)), "the same pid was persisted again");
        SocketLayer.TestClient fourth = layer.connect("/", reconnectAuth(reply, offset));
        assertNotEquals(reply.get("sid"), Wire.sid(fourth.take().get(0)), "used once: not while third holds it");
    }

    @Test
    void aVoluntaryDisconnectIsNotRecoverable() {
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.send("1");
        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        assertNotEquals(reply.get("sid"), Wire.sid(again.take().get(0)));
    }

    @Test
    void anUnknownOffsetMeansNoRecovery() {
        start();
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        client.drop();
        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, "zz9"));
        assertNotEquals(reply.get("sid"), Wire.sid(again.take().get(0)));
        assertFalse(connected.get(1).recovered());
    }

    @Test
    void withoutSkipMiddlewaresARecoveredSocketPassesThemWithItsOldIdAndData() {
        start(new ConnectionStateRecovery(Duration.ofMinutes(1), false), ns -> new InMemoryAdapter(ns, clock));
        List<String> seen = new ArrayList<>();
        main.use(socket -> seen.add(socket.id() + " recovered=" + socket.recovered() + " data=" + socket.data()));
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).data().put("k", "v");
        connected.get(0).emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.drop();
        layer.connect("/", reconnectAuth(reply, offset)).take();
        assertEquals(List.of(reply.get("sid") + " recovered=false data={}",
                reply.get("sid") + " recovered=true data={k=v}"), seen);
    }

    @Test
    void aRecoveryAMiddlewareRefusesKeepsTheSessionForTheNextTry() {
        start(new ConnectionStateRecovery(Duration.ofMinutes(1), false), ns -> new InMemoryAdapter(ns, clock));
        boolean[] refuse = {false};
        main.use(socket -> {
            if (refuse[0]) {
                throw new io.windsock.server.ConnectError("token expired");
            }
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).join("r");
        connected.get(0).data().put("k", "v");
        connected.get(0).emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.drop();
        main.emit("missed", 2);

        refuse[0] = true;
        assertEquals(List.of("4{\"message\":\"token expired\"}"),
                layer.connect("/", reconnectAuth(reply, offset)).take());
        refuse[0] = false;
        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        List<String> got = again.take();
        assertEquals(reply.get("sid"), Wire.sid(got.get(0)), "recovered on the next try: " + got);
        assertEquals("missed", Wire.event(got.get(1)).get(0), "the missed event replayed: " + got);
        Socket recovered = connected.get(1);
        assertTrue(recovered.recovered());
        assertEquals(Set.of(reply.get("sid"), "r"), recovered.rooms());
        assertEquals(Map.of("k", "v"), recovered.data());
    }

    @Test
    void aBacklogPastHalfTheOutboundBoundGivesUpTheRecoveryInsteadOfDroppingTheClient() {
        layer = SocketLayer.withAdapters(WindsockOptions.builder()
                .connectionStateRecovery(ConnectionStateRecovery.defaults())
                .engine(io.windsock.engine.EngineOptions.builder().maxPendingOutboundBytes(4096).build())
                .build(), ns -> new InMemoryAdapter(ns, clock));
        main = layer.server.of("/");
        main.onConnection(connected::add);
        String payload = "x".repeat(500);
        for (int missedCount : new int[] {3, 5}) { // about 1.5 KB, under half the bound; about 2.6 KB, over it
            SocketLayer.TestClient client = layer.connect("/", null);
            Map<String, Object> reply = firstConnect(client);
            Socket socket = connected.get(connected.size() - 1);
            socket.join("r");
            socket.emit("e", 0);
            String offset = offsetOf(client.take().get(0));
            client.drop();
            for (int i = 0; i < missedCount; i++) {
                main.to("r").emit("missed", payload);
            }
            SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
            List<String> got = again.take();
            assertFalse(again.transport.closed, "the client is not dropped");
            Socket second = connected.get(connected.size() - 1);
            if (missedCount == 3) {
                assertTrue(second.recovered());
                assertEquals(1 + missedCount, got.size(), "the CONNECT reply and the missed events");
            } else {
                assertFalse(second.recovered(), "given up: a fresh session");
                assertNotEquals(reply.get("sid"), Wire.sid(got.get(0)));
                assertEquals(1, got.size(), got::toString);
            }
            again.drop();
            main.disconnectSockets(true);
        }
    }

    @Test
    void anEventBroadcastWhileTheSessionIsRestoredArrivesExactlyOnce() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        start(ConnectionStateRecovery.defaults(), ns -> new InMemoryAdapter(ns, clock) {
            @Override
            public CompletionStage<List<List<Object>>> missedPackets(PersistedSession session, String offset) {
                // Collected only when the test says so: what is broadcast before then is both live and missed.
                return release.thenCompose(ignored -> super.missedPackets(session, offset));
            }
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        connected.get(0).join("room");
        main.to("room").emit("e", 1);
        String offset = offsetOf(client.take().get(0));
        client.drop();
        main.to("room").emit("e", 2);

        SocketLayer.TestClient again = layer.connect("/", reconnectAuth(reply, offset));
        assertEquals(List.of(), again.take(), "nothing before the CONNECT reply");
        main.to("room").emit("e", 3); // the socket is back in its room, connecting: held
        release.complete(null);
        main.to("room").emit("e", 4);

        List<String> got = again.take();
        assertEquals(4, got.size(), got::toString);
        assertEquals(reply.get("sid"), Wire.sid(got.get(0)));
        for (int i = 1; i <= 3; i++) {
            assertEquals(List.of("e", i + 1), Wire.event(got.get(i)).subList(0, 2), got::toString);
        }
    }

    @Test
    void withoutRecoveryTheConnectReplyHasOnlyTheSidAndEventsNoOffset() {
        start(null, InMemoryAdapter::new);
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = firstConnect(client);
        assertEquals(Set.of("sid"), reply.keySet());
        connected.get(0).emit("e", 1);
        main.emit("all");
        assertEquals(List.of("2[\"e\",1]", "2[\"all\"]"), client.take());
    }
}
