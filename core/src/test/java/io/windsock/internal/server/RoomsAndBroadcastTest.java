package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.server.ConnectError;
import io.windsock.server.Namespace;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomsAndBroadcastTest {
    private SocketLayer layer;
    private Namespace main;
    private final List<Socket> connected = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().build());
        main = layer.server.of("/");
        main.onConnection(connected::add);
    }

    /** A connected client and its server socket; the CONNECT reply is taken. */
    private record Peer(SocketLayer.TestClient client, Socket socket) {
        List<String> events() {
            return client.take();
        }
    }

    private Peer peer() {
        SocketLayer.TestClient client = layer.connect("/", null);
        String sid = Wire.sid(client.take().get(0));
        Socket socket = connected.get(connected.size() - 1);
        assertEquals(sid, socket.id());
        return new Peer(client, socket);
    }

    @Test
    void aSocketIsInItsOwnRoomJoinsLeavesAndLeavesAllOnDisconnect() {
        Peer a = peer();
        assertEquals(Set.of(a.socket.id()), a.socket.rooms());
        a.socket.join("r1", "r2");
        a.socket.join("r2");
        assertEquals(Set.of(a.socket.id(), "r1", "r2"), a.socket.rooms());
        assertEquals(Set.of(a.socket.id(), "r1", "r2"), main.rooms());
        a.socket.leave("r1");
        assertEquals(Set.of(a.socket.id(), "r2"), main.rooms());

        a.client.send("1"); // the client leaves the namespace
        assertFalse(a.socket.isConnected());
        assertEquals(Set.of(), main.rooms(), "every room it was alone in is gone");
        assertEquals(Set.of(), a.socket.rooms());
        a.socket.join("late");
        assertEquals(Set.of(), main.rooms(), "a disconnected socket joins nothing");
    }

    @Test
    void toSelectsTheUnionOfRoomsOnceAndExceptLeavesRoomsOut() {
        Peer a = peer();
        Peer b = peer();
        Peer c = peer();
        a.socket.join("red", "blue");
        b.socket.join("blue");
        c.socket.join("green");

        main.to("red", "blue").emit("m", 1);
        assertEquals(List.of("2[\"m\",1]"), a.events(), "in both rooms, gets it once");
        assertEquals(List.of("2[\"m\",1]"), b.events());
        assertEquals(List.of(), c.events());

        main.in("blue").except("red").emit("m", 2);
        assertEquals(List.of(), a.events());
        assertEquals(List.of("2[\"m\",2]"), b.events());

        main.except("green").emit("m", 3);
        assertEquals(List.of("2[\"m\",3]"), a.events());
        assertEquals(List.of("2[\"m\",3]"), b.events());
        assertEquals(List.of(), c.events());

        main.to(c.socket.id()).emit("private", "hi");
        assertEquals(List.of("2[\"private\",\"hi\"]"), c.events(), "a socket's id is a room");
        assertEquals(List.of(), a.events());

        main.to("nobody").emit("m", 4);
        main.emit("all", true);
        for (Peer p : List.of(a, b, c)) {
            assertEquals(List.of("2[\"all\",true]"), p.events());
        }
    }

    @Test
    void broadcastsFromASocketLeaveTheSocketOut() {
        Peer a = peer();
        Peer b = peer();
        Peer c = peer();
        a.socket.join("room");
        b.socket.join("room");

        a.socket.to("room").emit("m", "to room");
        assertEquals(List.of(), a.events());
        assertEquals(List.of("2[\"m\",\"to room\"]"), b.events());
        assertEquals(List.of(), c.events());

        a.socket.broadcast().emit("m", "everyone else");
        assertEquals(List.of(), a.events());
        assertEquals(List.of("2[\"m\",\"everyone else\"]"), b.events());
        assertEquals(List.of("2[\"m\",\"everyone else\"]"), c.events());

        b.socket.except("room").emit("m", "outside");
        assertEquals(List.of(), a.events());
        assertEquals(List.of(), b.events());
        assertEquals(List.of("2[\"m\",\"outside\"]"), c.events());
    }

    @Test
    void aBroadcastIsEncodedOnceAndTheSamePacketsGoToEveryRecipient() {
        Peer a = peer();
        Peer b = peer();
        main.emit("bin", "text", new byte[] {1, 2, 3});
        List<EnginePacket> toA = a.client.takeRaw();
        List<EnginePacket> toB = b.client.takeRaw();
        assertEquals(2, toA.size());
        assertEquals("51-[\"bin\",\"text\",{\"_placeholder\":true,\"num\":0}]", toA.get(0).text());
        assertSame(toA.get(0).text(), toB.get(0).text(), "one encoded string shared by both");
        assertSame(toA.get(1).binary(), toB.get(1).binary(), "one attachment array shared by both");
    }

    @Test
    void volatileEventsAreDroppedForAClientThatCannotTakeThemNow() {
        Peer a = peer();
        Peer b = peer();
        b.client.transport.writableNow = false;
        main.volatileEvents().emit("pos", 1);
        assertEquals(List.of("2[\"pos\",1]"), a.events());
        assertEquals(List.of(), b.events(), "dropped, not queued");
        b.client.transport.writableNow = true;
        main.volatileEvents().emit("pos", 2);
        main.compress(false).local().emit("pos", 3);
        assertEquals(List.of("2[\"pos\",2]", "2[\"pos\",3]"), b.events());
    }

    @Test
    void fetchSocketsSeesIdHandshakeRoomsAndData() throws Exception {
        Peer a = peer();
        Peer b = peer();
        a.socket.join("room");
        a.socket.data().put("user", "ann");
        List<RemoteSocket> found = main.in("room").fetchSockets().get();
        assertEquals(1, found.size());
        RemoteSocket remote = found.get(0);
        assertEquals(a.socket.id(), remote.id());
        assertEquals(Set.of(a.socket.id(), "room"), remote.rooms());
        assertEquals(Map.of("user", "ann"), remote.data());
        assertSame(a.socket.handshake(), remote.handshake());
        assertThrows(UnsupportedOperationException.class, () -> remote.data().put("x", 1));

        Set<String> all = new HashSet<>();
        main.fetchSockets().get().forEach(s -> all.add(s.id()));
        assertEquals(Set.of(a.socket.id(), b.socket.id()), all);

        remote.emit("direct", 1);
        assertEquals(List.of("2[\"direct\",1]"), a.events());
        assertEquals(List.of(), b.events());
    }

    @Test
    void socketsJoinLeaveAndDisconnectActOnTheSelection() {
        Peer a = peer();
        Peer b = peer();
        Peer c = peer();
        a.socket.join("x");
        b.socket.join("x");

        main.in("x").socketsJoin("y", "z");
        assertEquals(Set.of(a.socket.id(), "x", "y", "z"), a.socket.rooms());
        assertEquals(Set.of(b.socket.id(), "x", "y", "z"), b.socket.rooms());
        assertEquals(Set.of(c.socket.id()), c.socket.rooms());

        main.in("x").except(b.socket.id()).socketsLeave("z");
        assertEquals(Set.of(a.socket.id(), "x", "y"), a.socket.rooms());
        assertTrue(b.socket.rooms().contains("z"));

        main.in("y").disconnectSockets(false);
        assertEquals(List.of("1"), a.events(), "each got a DISCONNECT packet");
        assertEquals(List.of("1"), b.events());
        assertFalse(a.socket.isConnected());
        assertFalse(b.socket.isConnected());
        assertTrue(c.socket.isConnected());
        assertEquals(Set.of(c.socket.id()), main.rooms());
        assertEquals(List.of(c.socket), List.copyOf(main.sockets()));
    }

    @Test
    void aRepeatedRoomNameIsOneRoom() throws Exception {
        Peer a = peer();
        Peer b = peer();
        main.socketsJoin("r", "r");
        assertEquals(Set.of(a.socket.id(), "r"), a.socket.rooms());
        main.to("r", "r").except("x", "x").emit("m");
        assertEquals(List.of("2[\"m\"]"), a.events(), "once");
        assertEquals(List.of("2[\"m\"]"), b.events());
        main.in("r").socketsLeave("r", "r");
        assertEquals(Set.of(a.socket.id()), a.socket.rooms());

        RemoteSocket remote = main.in(b.socket.id()).fetchSockets().get().get(0);
        remote.join("s", "s");
        assertEquals(Set.of(b.socket.id(), "s"), b.socket.rooms());
    }

    @Test
    void aSocketThatJoinsARoomInAMiddlewareGetsBroadcastsOnlyAfterItsConnectReply() {
        Peer a = peer();
        a.socket.join("room");
        List<SocketLayer.TestClient> inMiddleware = new ArrayList<>();
        main.use(socket -> {
            socket.join("room");
            main.to("room").emit("while connecting", 1);
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        List<String> got = client.take();
        assertEquals(2, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("0{\"sid\""), "the CONNECT reply comes first: " + got);
        assertEquals("2[\"while connecting\",1]", got.get(1));
        assertEquals(List.of("2[\"while connecting\",1]"), a.events());
        assertTrue(inMiddleware.isEmpty());
    }

    @Test
    void aRefusedSocketLeavesTheRoomsItJoinedInItsMiddleware() {
        main.use(socket -> {
            socket.join("room");
            throw new ConnectError("no", Map.of("code", 7));
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        assertEquals(List.of("4{\"message\":\"no\",\"data\":{\"code\":7}}"), client.take());
        assertEquals(Set.of(), main.rooms());
        main.to("room").emit("m");
        assertEquals(List.of(), client.take());
    }

    @Test
    void reservedNamesCannotBeEmitted() {
        Peer a = peer();
        assertThrows(IllegalArgumentException.class, () -> main.emit("disconnect"));
        assertThrows(IllegalArgumentException.class, () -> a.socket.emit("connect"));
        assertThrows(IllegalArgumentException.class, () -> a.socket.to("r").emit("connect_error"));
        assertEquals(List.of(), a.events());
    }

    @Test
    void serverSideEmitGoesNowhereOnASingleNodeAndItsAcksAreAnEmptyList() throws Exception {
        List<Object> got = new ArrayList<>();
        main.onServerSideEmit("ping", (args, ack) -> got.add(args));
        main.serverSideEmit("ping", 1);
        assertEquals(List.of(), main.serverSideEmitWithAck(java.time.Duration.ofSeconds(1), "ping").get());
        assertEquals(List.of(), got, "a node does not hear its own server-side events");
    }
}
