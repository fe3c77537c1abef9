package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.ConnectError;
import io.windsock.server.Rejection;
import io.windsock.server.Namespace;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rooms, broadcasts, acks from many clients, server-side operations by room, middlewares and
 * catch-all listeners, with several real {@code socket.io-client} 4.8 sockets.
 */
class RoomsAndBroadcastsTest {
    private static final long WAIT_SECONDS = 10;

    @RegisterExtension
    final Interop interop = new Interop();

    private Windsock server;
    private Namespace main;
    private Mailbox<Socket> connections;

    /** A server whose sockets join rooms when asked ({@code join}, acked) and relay {@code say} to a room. */
    private void startServer() {
        server = interop.server(o -> o);
        main = server.of("/");
        connections = interop.mailbox("connections");
        main.onConnection(socket -> {
            socket.on("join", (args, ack) -> {
                for (Object room : args) {
                    socket.join((String) room);
                }
                ack.send("joined");
            });
            socket.on("say", (args, ack) -> socket.to((String) args.get(0)).emit("said", socket.id(), args.get(1)));
            socket.on("name", (args, ack) -> {
                socket.data().put("name", args.get(0));
                ack.send();
            });
            connections.put(socket);
        });
    }

    private record Peer(ClientSocket client, Socket socket) {
        String id() {
            return socket.id();
        }
    }

    private Peer peer(NodeClient node, Transport transport, Map<String, Object> auth) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.put("auth", auth);
        ClientSocket client = node.connect(interop.url(server, "/"), options);
        String id = client.expectConnect();
        Socket socket = connections.take();
        assertEquals(id, socket.id());
        return new Peer(client, socket);
    }

    private Peer peer(NodeClient node, Transport transport) {
        return peer(node, transport, Map.of());
    }

    private static void join(Peer peer, String... rooms) {
        assertEquals(Json.array("joined"), peer.client.emitWithAck("join", (Object[]) rooms).args());
    }

    /** Sends a last event to all: each client's next event must be it, so nothing else came before. */
    private void fence(Peer... peers) {
        main.emit("fence");
        for (Peer peer : peers) {
            peer.client.expectEvent("fence");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientsInRoomsGetBroadcastsToExceptAndFromASocket(Transport transport) {
        startServer();
        NodeClient node = interop.client();
        Peer a = peer(node, transport);
        Peer b = peer(node, transport);
        Peer c = peer(node, transport);
        join(a, "red", "blue");
        join(b, "blue");

        server.to("red", "blue").emit("news", 1);
        assertEquals(Json.array(1), a.client.expectEvent("news").args(), "in two rooms, once");
        assertEquals(Json.array(1), b.client.expectEvent("news").args());

        main.to("blue").except("red").emit("news", 2);
        assertEquals(Json.array(2), b.client.expectEvent("news").args());

        a.client.emit("say", "blue", "hi");
        assertEquals(Json.array(a.id(), "hi"), b.client.expectEvent("said").args(), "the sender is left out");

        a.socket.broadcast().emit("not a", true);
        b.client.expectEvent("not a");
        c.client.expectEvent("not a");

        server.except("blue").emit("outside blue");
        c.client.expectEvent("outside blue");

        main.to(c.id()).emit("private", "for c");
        assertEquals(Json.array("for c"), c.client.expectEvent("private").args());
        fence(a, b, c);
    }

    @Test
    void acksFromARoomTimeOutWithTheAnswersOfThoseWhoAnswered() throws Exception {
        startServer();
        NodeClient node = interop.client();
        Peer a = peer(node, Transport.WEBSOCKET);
        Peer b = peer(node, Transport.POLLING);
        Peer silent = peer(node, Transport.WEBSOCKET);
        Peer outside = peer(node, Transport.WEBSOCKET);
        join(a, "q");
        join(b, "q");
        join(silent, "q");

        CompletableFuture<List<Object>> all = main.to("q").except(silent.id()).timeout(Duration.ofSeconds(10))
                .emitWithAck("question", 1);
        a.client.ack(a.client.expectEvent("question"), "a1");
        b.client.ack(b.client.expectEvent("question"), Map.of("from", "b"));
        List<Object> answers = all.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(2, answers.size());
        assertTrue(answers.contains("a1") && answers.contains(Map.of("from", "b")), answers::toString);

        // Long enough for the others' acks on a loaded machine (one client polls); waited out in full.
        CompletableFuture<List<Object>> partial = main.to("q").timeout(Duration.ofSeconds(3)).emitWithAck("question", 2);
        ClientEvent toA = a.client.expectEvent("question");
        ClientEvent toB = b.client.expectEvent("question");
        ClientEvent toSilent = silent.client.expectEvent("question");
        assertEquals(Json.array(2), toSilent.args());
        a.client.ack(toA, "a2");
        b.client.ack(toB, "b2");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> partial.get(WAIT_SECONDS, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failure.getCause());
        assertEquals(Set.of("a2", "b2"), new HashSet<>(timeout.responses()));

        silent.client.ack(toSilent, "too late"); // dropped by the server
        fence(a, b, silent, outside);
        assertEquals(Set.of("a2", "b2"), new HashSet<>(timeout.responses()));
    }

    @Test
    void fetchesJoinsLeavesAndDisconnectsByRoom() throws Exception {
        startServer();
        NodeClient node = interop.client();
        Peer a = peer(node, Transport.WEBSOCKET, Map.of("user", "ann"));
        Peer b = peer(node, Transport.POLLING, Map.of("user", "bob"));
        Peer c = peer(node, Transport.WEBSOCKET);
        join(a, "x");
        join(b, "x");
        a.client.emitWithAck("name", "Ann");

        List<RemoteSocket> inX = main.in("x").fetchSockets().get(WAIT_SECONDS, TimeUnit.SECONDS);
        Map<String, RemoteSocket> byId = inX.stream().collect(Collectors.toMap(RemoteSocket::id, s -> s));
        assertEquals(Set.of(a.id(), b.id()), byId.keySet());
        assertEquals(Set.of(a.id(), "x"), byId.get(a.id()).rooms());
        assertEquals(Map.of("name", "Ann"), byId.get(a.id()).data());
        assertEquals(Map.of(), byId.get(b.id()).data());
        assertEquals(Map.of("user", "bob"), byId.get(b.id()).handshake().auth());

        main.in("x").socketsJoin("y");
        assertEquals(Set.of(b.id(), "x", "y"), b.socket.rooms());
        main.to("y").emit("in y");
        a.client.expectEvent("in y");
        b.client.expectEvent("in y");

        main.in("x").except(b.id()).socketsLeave("y");
        main.to("y").emit("still in y");
        b.client.expectEvent("still in y");

        byId.get(a.id()).emit("direct", "to ann");
        assertEquals(Json.array("to ann"), a.client.expectEvent("direct").args());

        main.in("y").disconnectSockets(false);
        assertEquals("io server disconnect", b.client.expectDisconnect());
        fence(a, c);
        assertEquals(Set.of(a.id(), c.id()), main.sockets().stream().map(Socket::id).collect(Collectors.toSet()));
        assertEquals(Set.of(a.id(), c.id(), "x"), main.rooms());
    }

    @Test
    void aConnectMiddlewareRefusesWithAMessageAndData() {
        startServer();
        main.use(socket -> {
            if (!"secret".equals(socket.handshake().auth().get("token"))) {
                throw new ConnectError("not authorized", Map.of("code", 401, "retry", false));
            }
            socket.join("authorized");
        });
        NodeClient node = interop.client();
        ClientSocket refused = node.connect(interop.url(server, "/"),
                Map.of("transports", List.of("websocket"), "auth", Map.of("token", "guess")));
        ClientEvent error = refused.expectConnectError();
        assertEquals("not authorized", error.message());
        assertEquals(Json.tree(Map.of("code", 401, "retry", false)), error.data());

        Peer ok = peer(node, Transport.WEBSOCKET, Map.of("token", "secret"));
        assertEquals(Set.of(ok.id(), "authorized"), ok.socket.rooms());
        assertEquals(Set.of(ok.id(), "authorized"), main.rooms(), "the refused socket left no room behind");
    }

    /** What the server's catch-all listeners and middleware saw. */
    record Seen(String what, String event, Object args) {
    }

    @Test
    void onAnySeesIncomingEventsAndOnAnyOutgoingSeesWhatIsSent() {
        server = interop.server(o -> o);
        main = server.of("/");
        connections = interop.mailbox("connections");
        Mailbox<Seen> seen = interop.mailbox("seen");
        main.onConnection(socket -> {
            socket.use((event, args) -> {
                if (event.startsWith("admin:")) {
                    throw new Rejection("admins only");
                }
            });
            socket.onAny((event, args, ack) -> seen.put(new Seen("any", event, args)));
            socket.onAnyOutgoing((event, args) -> seen.put(new Seen("out", event, args)));
            socket.on("hello", (args, ack) -> {
                seen.put(new Seen("on", "hello", args));
                ack.send("hi");
            });
            connections.put(socket);
        });
        NodeClient node = interop.client();
        Peer a = peer(node, Transport.WEBSOCKET);

        assertEquals(Json.array("hi"), a.client.emitWithAck("hello", "joe").args());
        assertEquals(new Seen("any", "hello", List.of("joe")), seen.take());
        assertEquals(new Seen("on", "hello", List.of("joe")), seen.take());

        a.client.emit("no listener", Map.of("k", 1));
        assertEquals(new Seen("any", "no listener", List.of(Map.of("k", 1))), seen.take());

        assertEquals(Json.array(Map.of("error", "rejected", "message", "admins only")),
                a.client.emitWithAck("admin:wipe").args(),
                "a rejected event is answered through its ack");

        a.socket.emit("from server", 1);
        main.emit("to all", 2);
        a.client.expectEvent("from server");
        a.client.expectEvent("to all");
        assertEquals(new Seen("out", "from server", List.of(1)), seen.take());
        assertEquals(new Seen("out", "to all", List.of(2)), seen.take());
    }
}
