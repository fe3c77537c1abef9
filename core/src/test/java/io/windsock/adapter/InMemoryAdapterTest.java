package io.windsock.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.internal.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class InMemoryAdapterTest {
    private static final Duration WINDOW = Duration.ofMinutes(2);

    private final MutableClock clock = new MutableClock();
    private final FakeNamespace namespace = new FakeNamespace();

    private InMemoryAdapter adapter(ConnectionStateRecovery recovery) {
        namespace.recovery = recovery;
        InMemoryAdapter adapter = new InMemoryAdapter(namespace, clock);
        namespace.adapter = adapter;
        return adapter;
    }

    private FakeSocket socket(InMemoryAdapter adapter, String id, String... rooms) {
        FakeSocket socket = new FakeSocket(id, adapter);
        namespace.sockets.put(id, socket);
        adapter.addAll(id, Set.of(id));
        adapter.addAll(id, Set.of(rooms));
        return socket;
    }

    private static SocketPacket event(String name, Object... args) {
        List<Object> data = new ArrayList<>();
        data.add(name);
        data.addAll(List.of(args));
        return SocketPacket.event("/", data, SocketPacket.NO_ID);
    }

    private static BroadcastOptions to(Set<String> rooms, Set<String> except) {
        return new BroadcastOptions(rooms, except, false, true, false, null);
    }

    @Test
    void keepsRoomSetsBothWaysAndDropsEmptyRooms() {
        InMemoryAdapter adapter = adapter(null);
        adapter.addAll("a", Set.of("r1", "r2"));
        adapter.addAll("b", Set.of("r2"));
        assertEquals(Set.of("r1", "r2"), adapter.socketRooms("a"));
        assertEquals(Set.of("r1", "r2"), adapter.rooms());
        adapter.del("a", "r2");
        adapter.del("a", "never joined");
        adapter.del("unknown", "r1");
        assertEquals(Set.of("r1"), adapter.socketRooms("a"));
        assertEquals(Set.of("r1", "r2"), adapter.rooms());
        adapter.delAll("a");
        assertEquals(Set.of(), adapter.socketRooms("a"));
        assertEquals(Set.of("r2"), adapter.rooms());
        adapter.delAll("b");
        assertEquals(Set.of(), adapter.rooms());
        adapter.addAll("a", Set.of("again"));
        assertEquals(Set.of("again"), adapter.socketRooms("a"), "a socket can join after leaving all");
    }

    /**
     * A socket joining 100,000 rooms at once and leaving them one by one (as a cluster's socketsJoin and
     * socketsLeave make it): each step copied the socket's whole room set, so this took hours; Node's Sets
     * take milliseconds. Its rooms stay exact whenever they are read between the leaves.
     */
    @Test
    void joiningAndLeavingManyRoomsTakesTimeInProportion() {
        InMemoryAdapter adapter = adapter(null);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add("room-" + i);
        }
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            adapter.addAll("a", Set.of("a"));
            adapter.addAll("a", Set.copyOf(many));
            adapter.addAll("b", Set.of("room-7", "room-99999"));
            assertEquals(100_001, adapter.socketRooms("a").size());
            for (int i = 0; i < many.size(); i++) {
                adapter.del("a", many.get(i));
                if (i == 10) {
                    assertEquals(100_001 - 11, adapter.socketRooms("a").size());
                    assertTrue(!adapter.socketRooms("a").contains("room-10"));
                    adapter.del("a", "room-10");
                    adapter.addAll("a", Set.of("room-10", "room-5"));
                    assertTrue(adapter.socketRooms("a").containsAll(List.of("room-10", "room-5", "room-11")));
                    adapter.del("a", "room-5");
                }
            }
        });
        assertEquals(Set.of("a", "room-10"), adapter.socketRooms("a"), "room-10 joined again after its leave");
        assertEquals(Set.of("a", "room-10", "room-7", "room-99999"), adapter.rooms());
        adapter.delAll("a");
        assertEquals(Set.of("room-7", "room-99999"), adapter.rooms());
    }

    @Test
    void roomHooksFollowTheFirstAndLastSocketAndKnowPrivateRooms() {
        List<String> calls = new ArrayList<>();
        InMemoryAdapter adapter = new InMemoryAdapter(namespace, clock) {
            @Override
            protected void roomCreated(String room, boolean socketRoom) {
                calls.add("+" + room + (socketRoom ? " private" : ""));
            }

            @Override
            protected void roomDeleted(String room, boolean socketRoom) {
                calls.add("-" + room + (socketRoom ? " private" : ""));
            }
        };
        adapter.addAll("a", Set.of("a"));
        adapter.addAll("a", Set.of("r"));
        adapter.addAll("b", Set.of("b"));
        adapter.addAll("b", Set.of("r"));
        assertEquals(List.of("+a private", "+r", "+b private"), calls);
        adapter.del("a", "r");
        adapter.delAll("a");
        assertEquals(List.of("+a private", "+r", "+b private", "-a private"), calls, "r still holds b");
        adapter.delAll("b");
        assertEquals(Set.of("-b private", "-r"), Set.copyOf(calls.subList(4, calls.size())));
    }

    @Test
    void broadcastsToTheUnionOfRoomsMinusExceptEncodingOnce() {
        InMemoryAdapter adapter = adapter(null);
        FakeSocket a = socket(adapter, "a", "red", "blue");
        FakeSocket b = socket(adapter, "b", "blue");
        FakeSocket c = socket(adapter, "c", "green");
        FakeSocket d = socket(adapter, "d", "blue", "black");

        adapter.broadcast(event("m", 1), to(Set.of("red", "blue", "green"), Set.of("black")));
        assertEquals(1, namespace.encodeCalls, "encoded once");
        EncodedPacket sent = a.received.get(0);
        assertSame(sent, b.received.get(0), "the same encoded packet for every recipient");
        assertSame(sent, c.received.get(0));
        assertEquals(1, a.received.size(), "in two selected rooms, sent once");
        assertEquals(List.of(), d.received, "excepted by one of its rooms");
        assertNull(sent.offset());

        adapter.broadcast(event("m", 2), to(Set.of(), Set.of("a")));
        assertEquals(1, a.received.size());
        assertEquals(2, b.received.size());
        assertEquals(1, d.received.size());

        adapter.broadcast(event("m", 3), to(Set.of("nobody"), Set.of()));
        assertEquals(3, namespace.encodeCalls);
        assertEquals(List.of(1, 2, 2, 1), List.of(a.received.size(), b.received.size(), c.received.size(),
                d.received.size()));
    }

    @Test
    void skipsIdsWithNoLocalSocketAndPassesTheOptionsToEachSocket() {
        InMemoryAdapter adapter = adapter(null);
        FakeSocket a = socket(adapter, "a", "room");
        adapter.addAll("ghost", Set.of("room"));
        BroadcastOptions volatileOptions = new BroadcastOptions(Set.of("room"), Set.of(), true, false, true, null);
        adapter.broadcast(event("v"), volatileOptions);
        assertEquals(1, a.received.size());
        assertSame(volatileOptions, a.options.get(0), "the socket decides whether a volatile packet goes");
    }

    @Test
    void broadcastWithAckRegistersOneAckIdBeforeSendingAndReportsTheCount() {
        InMemoryAdapter adapter = adapter(ConnectionStateRecovery.defaults());
        FakeSocket a = socket(adapter, "a", "room");
        FakeSocket b = socket(adapter, "b", "room");
        socket(adapter, "c");
        List<Integer> counts = new ArrayList<>();
        BroadcastAckHandler handler = countingClients(counts);
        adapter.broadcastWithAck(event("q"), to(Set.of("room"), Set.of()), handler);
        assertEquals(List.of(2), counts);
        long id = a.received.get(0).packet().id();
        assertTrue(id >= 0);
        assertEquals(Map.of(id, handler), a.acks);
        assertEquals(Map.of(id, handler), b.acks);
        assertTrue(a.ackBeforeSend && b.ackBeforeSend, "registered before the packet could be answered");
        assertEquals(0, adapter.storedEventCount(), "events with acks are never stored");
        assertEquals(List.of("q"), a.received.get(0).packet().args(), "and carry no offset");
    }

    @Test
    void serverSideOperationsActOnTheSelection() throws Exception {
        InMemoryAdapter adapter = adapter(null);
        FakeSocket a = socket(adapter, "a", "x");
        FakeSocket b = socket(adapter, "b", "x", "y");
        FakeSocket c = socket(adapter, "c");

        List<SocketDetails> found = adapter.fetchSockets(to(Set.of("x"), Set.of("y"))).toCompletableFuture().get();
        assertEquals(List.of("a"), found.stream().map(SocketDetails::id).toList());
        assertEquals(Set.of("a", "x"), found.get(0).rooms());

        adapter.addSockets(to(Set.of("x"), Set.of()), Set.of("z"));
        assertEquals(Set.of("a", "x", "z"), adapter.socketRooms("a"));
        assertEquals(Set.of("b", "x", "y", "z"), adapter.socketRooms("b"));
        adapter.delSockets(to(Set.of("z"), Set.of("b")), Set.of("z", "x"));
        assertEquals(Set.of("a"), adapter.socketRooms("a"));
        assertEquals(Set.of("b", "x", "y", "z"), adapter.socketRooms("b"));

        adapter.disconnectSockets(to(Set.of(), Set.of("c")), true);
        assertEquals(List.of(true), a.disconnects);
        assertEquals(List.of(true), b.disconnects);
        assertEquals(List.of(), c.disconnects);

        assertEquals(1, adapter.serverCount().toCompletableFuture().get());
        adapter.serverSideEmit(List.of("hello"));
        assertEquals(List.of(), adapter.serverSideEmitWithAck(List.of("hello"), Duration.ofSeconds(1))
                .toCompletableFuture().get());
    }

    @Test
    void storesNonVolatileEventsWithAnOffsetAsTheirLastArgument() throws Exception {
        InMemoryAdapter adapter = adapter(ConnectionStateRecovery.defaults());
        FakeSocket a = socket(adapter, "a", "room");
        adapter.broadcast(event("e", 1), to(Set.of("room"), Set.of()));
        adapter.broadcast(event("v", 2), new BroadcastOptions(Set.of("room"), Set.of(), true, true, false, null));
        adapter.broadcast(event("e", 3), to(Set.of(), Set.of()));
        assertEquals(2, adapter.storedEventCount());
        EncodedPacket first = a.received.get(0);
        String offset1 = first.offset();
        assertEquals(List.of("e", 1, offset1), first.packet().args());
        assertEquals("2[\"e\",1,\"" + offset1 + "\"]", ((Encoded) first).text());
        assertNull(a.received.get(1).offset());
        assertEquals(List.of("v", 2), a.received.get(1).packet().args());
        assertTrue(a.received.get(2).offset().compareTo(offset1) != 0);
    }

    @Test
    void restoresASessionOnceAndListsTheEventsItsRoomsMissed() throws Exception {
        InMemoryAdapter adapter = adapter(ConnectionStateRecovery.defaults());
        FakeSocket a = socket(adapter, "a", "room");
        socket(adapter, "b", "other");
        adapter.broadcast(event("e", 1), to(Set.of("room"), Set.of()));
        String offset = a.received.get(0).offset();
        PersistedSession session = new PersistedSession("a", "pid-a", Set.of("a", "room"), Map.of("k", "v"));
        adapter.persistSession(session);
        adapter.delAll("a");

        adapter.broadcast(event("e", 2), to(Set.of("room"), Set.of()));
        adapter.broadcast(event("x", 0), to(Set.of("other"), Set.of()));
        adapter.broadcast(event("x", 0), to(Set.of(), Set.of("room")));
        adapter.broadcast(event("all", 3), to(Set.of(), Set.of()));
        adapter.broadcast(event("direct", 4), to(Set.of("a"), Set.of()));
        adapter.broadcast(event("x", 0), new BroadcastOptions(Set.of("room"), Set.of(), true, true, false, null));

        assertEquals(Optional.empty(), adapter.restoreSession("pid-unknown", offset).toCompletableFuture().get());
        assertEquals(Optional.empty(), adapter.restoreSession("pid-a", "not an offset").toCompletableFuture().get(),
                "an unknown offset fails the recovery (and uses the session up)");
        adapter.persistSession(session);
        Optional<PersistedSession> restored = adapter.restoreSession("pid-a", offset).toCompletableFuture().get();
        assertEquals(Optional.of(session), restored);
        assertEquals(Optional.empty(), adapter.restoreSession("pid-a", offset).toCompletableFuture().get(), "once");

        List<List<Object>> missed = adapter.missedPackets(session, offset).toCompletableFuture().get();
        assertEquals(List.of(List.of("e", 2), List.of("all", 3), List.of("direct", 4)),
                missed.stream().map(m -> m.subList(0, m.size() - 1)).toList());
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> adapter.missedPackets(session, "zzzz").toCompletableFuture().get());
        assertTrue(unknown.getCause() instanceof IllegalStateException);
    }

    @Test
    void purgesSessionsAndEventsOlderThanTheWindow() throws Exception {
        InMemoryAdapter adapter = adapter(new ConnectionStateRecovery(WINDOW, true));
        FakeSocket a = socket(adapter, "a");
        adapter.broadcast(event("old"), to(Set.of(), Set.of()));
        String oldOffset = a.received.get(0).offset();
        adapter.persistSession(new PersistedSession("s1", "p1", Set.of("s1"), Map.of()));
        clock.advance(Duration.ofMinutes(1));
        adapter.persistSession(new PersistedSession("s2", "p2", Set.of("s2"), Map.of()));
        adapter.broadcast(event("newer"), to(Set.of(), Set.of()));
        String newerOffset = a.received.get(1).offset();
        assertEquals(2, adapter.persistedSessionCount());

        clock.advance(Duration.ofMinutes(1).plusMillis(1));
        adapter.purgeExpired();
        assertEquals(1, adapter.persistedSessionCount(), "s1 expired");
        assertEquals(1, adapter.storedEventCount(), "the old event expired");
        assertEquals(Optional.empty(), adapter.restoreSession("p1", newerOffset).toCompletableFuture().get());
        // The offset just before the oldest kept event is still exact: nothing after it was lost.
        PersistedSession s2 = adapter.restoreSession("p2", oldOffset).toCompletableFuture().get().orElseThrow();
        assertEquals(List.of(List.of("newer", newerOffset)),
                adapter.missedPackets(s2, oldOffset).toCompletableFuture().get());

        clock.advance(WINDOW);
        adapter.broadcast(event("latest"), to(Set.of(), Set.of()));
        assertEquals(1, adapter.storedEventCount(), "purged as new events arrive");
    }

    @Test
    void keepsAtMostTheBoundsOfSessionsAndEventsTheOldestDroppedFirst() throws Exception {
        InMemoryAdapter adapter = adapter(ConnectionStateRecovery.defaults().withMaxPersistedSessions(2).withMaxStoredEvents(3));
        FakeSocket a = socket(adapter, "a");
        for (int i = 0; i < 5; i++) {
            adapter.broadcast(event("e" + i), to(Set.of(), Set.of()));
        }
        assertEquals(3, adapter.storedEventCount(), "e0 and e1 dropped inside their window");
        String e0 = a.received.get(0).offset();
        String e1 = a.received.get(1).offset();
        for (int i = 1; i <= 3; i++) {
            adapter.persistSession(new PersistedSession("s" + i, "p" + i, Set.of("s" + i), Map.of()));
        }
        assertEquals(2, adapter.persistedSessionCount());
        assertEquals(Optional.empty(), adapter.restoreSession("p1", e1).toCompletableFuture().get(),
                "the oldest session went first");
        assertEquals(Optional.empty(), adapter.restoreSession("p2", e0).toCompletableFuture().get(),
                "e0 is no longer known: the events after it cannot all be replayed");
        PersistedSession s3 = adapter.restoreSession("p3", e1).toCompletableFuture().get().orElseThrow();
        assertEquals(List.of("e2", "e3", "e4"), adapter.missedPackets(s3, e1).toCompletableFuture().get().stream()
                .map(m -> m.get(0)).toList(), "just after the oldest dropped event: nothing lost");
    }

    @Test
    void recoveryBoundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionStateRecovery.defaults().withMaxStoredEvents(0));
        assertThrows(IllegalArgumentException.class, () -> ConnectionStateRecovery.defaults().withMaxPersistedSessions(0));
        assertEquals(100_000, ConnectionStateRecovery.defaults().maxStoredEvents());
        assertEquals(100_000, ConnectionStateRecovery.defaults().maxPersistedSessions());
    }

    @Test
    void withoutRecoveryNothingIsStored() throws Exception {
        InMemoryAdapter adapter = adapter(null);
        FakeSocket a = socket(adapter, "a");
        adapter.broadcast(event("e"), to(Set.of(), Set.of()));
        assertNull(a.received.get(0).offset());
        adapter.persistSession(new PersistedSession("a", "p", Set.of(), Map.of()));
        assertEquals(0, adapter.persistedSessionCount());
        assertEquals(Optional.empty(), adapter.restoreSession("p", "1").toCompletableFuture().get());
    }

    @Test
    void aSocketStillConnectingGetsBroadcastsButNoServerSideOperationNorAckCount() throws Exception {
        InMemoryAdapter adapter = adapter(null);
        FakeSocket ready = socket(adapter, "a", "r");
        FakeSocket connecting = socket(adapter, "b", "r");
        connecting.connected = false;
        List<Integer> counts = new ArrayList<>();
        BroadcastAckHandler handler = countingClients(counts);

        adapter.broadcast(event("plain"), to(Set.of("r"), Set.of()));
        assertEquals(1, connecting.received.size(), "held by the socket until its CONNECT reply");
        adapter.broadcastWithAck(event("q"), to(Set.of("r"), Set.of()), handler);
        assertEquals(List.of(1), counts, "an ack it may never send is not waited for");
        assertEquals(Map.of(), connecting.acks);
        assertEquals(1, connecting.received.size());
        assertEquals(List.of("a"), adapter.fetchSockets(to(Set.of("r"), Set.of())).toCompletableFuture().get()
                .stream().map(SocketDetails::id).toList());
        adapter.addSockets(to(Set.of("r"), Set.of()), Set.of("z"));
        adapter.disconnectSockets(to(Set.of("r"), Set.of()), false);
        assertEquals(Set.of("b", "r"), adapter.socketRooms("b"));
        assertEquals(List.of(), connecting.disconnects);
        assertEquals(List.of(false), ready.disconnects);
    }

    /** @return a handler that records the client counts it is told and is never done */
    private static BroadcastAckHandler countingClients(List<Integer> counts) {
        return new BroadcastAckHandler() {
            @Override
            public void onClientCount(int count) {
                counts.add(count);
            }

            @Override
            public void onAck(List<Object> args) {
            }

            @Override
            public boolean isDone() {
                return false;
            }
        };
    }

    // ---- fakes ----

    private static final class FakeNamespace implements AdapterNamespace {
        final Map<String, LocalSocket> sockets = new HashMap<>();
        ConnectionStateRecovery recovery;
        InMemoryAdapter adapter;
        int encodeCalls;
        long ackIds;

        @Override
        public String name() {
            return "/";
        }

        @Override
        public LocalSocket localSocket(String id) {
            return sockets.get(id);
        }

        @Override
        public EncodedPacket encode(SocketPacket packet, String offset) {
            encodeCalls++;
            String text = "2" + (packet.hasId() ? packet.id() : "") + json(packet.args());
            return new Encoded(packet, text, offset);
        }

        private static String json(List<Object> args) {
            StringBuilder sb = new StringBuilder("[");
            for (Object arg : args) {
                sb.append(sb.length() > 1 ? "," : "").append(arg instanceof String s ? "\"" + s + "\"" : arg);
            }
            return sb.append(']').toString();
        }

        @Override
        public long nextAckId() {
            return ackIds++;
        }

        @Override
        public ConnectionStateRecovery recovery() {
            return recovery;
        }

        @Override
        public void onServerSideEmit(List<Object> eventAndArgs, Ack ack) {
        }
    }

    private static final class FakeSocket implements LocalSocket {
        final String id;
        final InMemoryAdapter adapter;
        final List<EncodedPacket> received = new ArrayList<>();
        final List<BroadcastOptions> options = new ArrayList<>();
        final Map<Long, BroadcastAckHandler> acks = new LinkedHashMap<>();
        final List<Boolean> disconnects = new ArrayList<>();
        boolean ackBeforeSend = true;
        boolean connected = true;

        FakeSocket(String id, InMemoryAdapter adapter) {
            this.id = id;
            this.adapter = adapter;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void send(EncodedPacket packet, BroadcastOptions options) {
            if (packet.packet().hasId() && !acks.containsKey(packet.packet().id())) {
                ackBeforeSend = false;
            }
            received.add(packet);
            this.options.add(options);
        }

        @Override
        public void expectAck(long ackId, BroadcastAckHandler handler) {
            acks.put(ackId, handler);
        }

        @Override
        public void join(Collection<String> rooms) {
            adapter.addAll(id, Set.copyOf(rooms));
        }

        @Override
        public void leave(String room) {
            adapter.del(id, room);
        }

        @Override
        public void disconnect(boolean close) {
            disconnects.add(close);
        }

        @Override
        public SocketDetails details() {
            return new SocketDetails(id, null, adapter.socketRooms(id), Map.of());
        }
    }

    /** The test namespace's encoding: the packet's text, made once. */
    private record Encoded(SocketPacket packet, String text, String offset) implements EncodedPacket {
    }

}
