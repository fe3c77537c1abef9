package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real {@code socket.io-client} 4.8 against Windsock, over WebSocket only, long-polling only, and
 * polling upgraded to WebSocket.
 */
class SocketIoClientV4Test {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();

    /** An event a server socket received. */
    record Received(String event, List<Object> args, boolean ackRequested) {
    }

    private static Map<String, Object> options(Transport transport, Map<String, ?> extra) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.putAll(extra);
        return options;
    }

    /** Connects a client to a namespace and returns the server's socket for it. */
    private Socket connect(Windsock server, ClientSocket client, Mailbox<Socket> connections) {
        String id = client.expectConnect();
        Socket socket = connections.take();
        assertEquals(id, socket.id(), "the client's id is the server socket's id");
        return socket;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectsWithAuthAndQuery(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(connections::put);
        Map<String, Object> auth = Map.of("token", "abc", "n", 42, "nested", Map.of("ok", true, "list", List.of(1, 2)));

        ClientSocket client = interop.client().connect(interop.url(server, "/"),
                options(transport, Map.of("auth", auth, "query", Map.of("room", "lobby"))));
        Socket socket = connect(server, client, connections);

        assertEquals(auth, socket.handshake().auth());
        assertEquals("lobby", socket.handshake().query("room"));
        assertEquals("4", socket.handshake().query("EIO"));
        assertEquals(transport.firstTransport(), socket.handshake().query("transport"));
        assertEquals("/", socket.namespace().name());
        assertTrue(socket.isConnected());
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        assertEquals(transport.finalTransport(), client.transport());
        // An event after the upgrade travels on the new transport; by then the server has switched too.
        socket.on("which transport", (args, ack) -> ack.send(socket.transport()));
        assertEquals(Json.array(transport.finalTransport()), client.emitWithAck("which transport").args());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectsToCustomNamespacesOnOneConnection(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> main = interop.mailbox("main connections");
        Mailbox<Socket> custom = interop.mailbox("custom connections");
        server.of("/").onConnection(socket -> {
            main.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name()));
        });
        server.of("/custom").onConnection(socket -> {
            custom.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name()));
        });

        ClientSocket customClient = interop.client().connect(interop.url(server, "/custom"),
                options(transport, Map.of("auth", Map.of("who", "custom"))));
        Socket customSocket = connect(server, customClient, custom);
        assertEquals("/custom", customSocket.namespace().name());
        assertEquals(Map.of("who", "custom"), customSocket.handshake().auth());
        assertEquals(Json.array("/custom"), customClient.emitWithAck("where").args());
        // Nothing joined "/": a v3+ client only connects to the namespace it asked for.
        assertTrue(server.of("/").sockets().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void multiplexesNamespacesOnOneConnection(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> main = interop.mailbox("main connections");
        Mailbox<Socket> custom = interop.mailbox("custom connections");
        server.of("/").onConnection(socket -> {
            main.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name()));
        });
        server.of("/custom").onConnection(socket -> {
            custom.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name()));
        });
        NodeClient node = interop.client();
        ClientSocket first = node.connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket mainSocket = connect(server, first, main);
        ClientSocket second = node.multiplex(first, "/custom", Map.of("auth", Map.of("second", true)));
        Socket customSocket = connect(server, second, custom);

        assertNotEquals(mainSocket.id(), customSocket.id());
        assertEquals(Map.of("second", true), customSocket.handshake().auth());
        assertEquals(Json.array("/"), first.emitWithAck("where").args());
        assertEquals(Json.array("/custom"), second.emitWithAck("where").args());
        // Leaving one namespace keeps the other, on the same connection.
        Mailbox<DisconnectReason> left = interop.mailbox("custom disconnects");
        customSocket.onDisconnect(left::put);
        second.disconnect();
        assertEquals("io client disconnect", second.expectDisconnect());
        assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, left.take());
        assertEquals(Json.array("/"), first.emitWithAck("where").args());
        assertTrue(mainSocket.isConnected());
    }

    /**
     * socket.io-client sends a CONNECT for every connect() made while its manager is open and the reply
     * is on its way (a second namespace's socket connects by itself; connect() again sends another). The
     * duplicate closed the connection, every namespace of it; Node connects both. Now it is ignored.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSecondConnectCallBeforeTheReplyKeepsTheConnection(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> main = interop.mailbox("main connections");
        Mailbox<Socket> custom = interop.mailbox("custom connections");
        CompletableFuture<Void> replyMayGo = new CompletableFuture<>();
        server.of("/").onConnection(main::put);
        server.of("/custom").use(socket -> replyMayGo.get(10, TimeUnit.SECONDS)).onConnection(socket -> {
            custom.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name()));
        });
        NodeClient node = interop.client();
        ClientSocket first = node.connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket mainSocket = connect(server, first, main);
        ClientSocket second = node.multiplex(first, "/custom", Map.of()); // connects by itself
        second.reconnect(); // connect() again while the middleware holds the reply: a second CONNECT
        first.transport(); // answered once the driver has run the connect() before it
        replyMayGo.complete(null);

        Socket customSocket = connect(server, second, custom);
        assertEquals(Json.array("/custom"), second.emitWithAck("where").args());
        assertTrue(mainSocket.isConnected(), "the connection and its other namespace stay");
        assertTrue(customSocket.isConnected());
        assertEquals(1, server.of("/custom").sockets().size(), "one socket for the two CONNECTs");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void refusesAnUnknownNamespace(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> main = interop.mailbox("main connections");
        server.of("/").onConnection(main::put);

        ClientSocket client = interop.client().connect(interop.url(server, "/nowhere"), options(transport, Map.of()));
        ClientEvent error = client.expectConnectError();
        assertEquals("Invalid namespace", error.message());
        assertTrue(error.data().isMissingNode() || error.data().isNull(), () -> "no data: " + error);
        assertTrue(server.of("/").sockets().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void middlewareRefusesWithMessageAndData(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<Map<String, Object>> checked = interop.mailbox("middleware calls");
        server.of("/").use(socket -> {
            checked.put(socket.handshake().auth());
            if (!"letmein".equals(socket.handshake().auth().get("password"))) {
                throw new ConnectError("not allowed", Map.of("code", 42));
            }
        }).onConnection(connections::put);
        NodeClient node = interop.client();

        ClientSocket refused = node.connect(interop.url(server, "/"),
                options(transport, Map.of("auth", Map.of("password", "guess"))));
        ClientEvent error = refused.expectConnectError();
        assertEquals("not allowed", error.message());
        assertEquals(Json.tree(Map.of("code", 42)), error.data());
        assertEquals(Map.of("password", "guess"), checked.take());

        ClientSocket admitted = node.connect(interop.url(server, "/"),
                options(transport, Map.of("auth", Map.of("password", "letmein"))));
        connect(server, admitted, connections);
        assertEquals(Map.of("password", "letmein"), checked.take());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void eventsWithZeroToManyArgumentsBothWays(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<Received> received = interop.mailbox("received");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onAny((event, args, ack) -> received.put(new Received(event, List.copyOf(args), ack.requested())));
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket socket = connect(server, client, connections);

        Map<String, Object> object = new LinkedHashMap<>();
        object.put("s", "text with \"quotes\", unicode é✓ and a newline\n");
        object.put("n", 1.5);
        object.put("big", 1234567890123L);
        object.put("t", true);
        object.put("nil", null);
        object.put("list", List.of(1, "two", List.of(3)));
        client.emit("none");
        client.emit("one", "hello");
        client.emit("many", 1, "two", object, Arrays.asList(null, false), -7);

        assertEquals(new Received("none", List.of(), false), received.take());
        assertEquals(new Received("one", List.of("hello"), false), received.take());
        Received many = received.take();
        assertEquals("many", many.event());
        assertEquals(5, many.args().size());
        assertEquals(1, ((Number) many.args().get(0)).intValue());
        assertEquals("two", many.args().get(1));
        assertEquals(Json.tree(object), Json.tree(many.args().get(2)));
        assertEquals(Arrays.asList(null, false), many.args().get(3));
        assertEquals(-7, ((Number) many.args().get(4)).intValue());

        socket.emit("none");
        socket.emit("one", "hello");
        socket.emit("many", 1, "two", object, Arrays.asList(null, false), -7);
        assertEquals(Json.array(), client.expectEvent("none").args());
        assertEquals(Json.array("hello"), client.expectEvent("one").args());
        assertEquals(Json.array(1, "two", object, Arrays.asList(null, false), -7), client.expectEvent("many").args());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientAcksAnsweredByTheServer(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("sum", (args, ack) -> ack.send(((Number) args.get(0)).intValue() + ((Number) args.get(1)).intValue(),
                    Map.of("of", args)));
            socket.on("nothing back", (args, ack) -> ack.send());
            socket.on("later", (args, ack) -> CompletableFuture.runAsync(() -> ack.send("from another thread")));
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        connect(server, client, connections);

        assertEquals(Json.array(5, Map.of("of", List.of(2, 3))), client.emitWithAck("sum", 2, 3).args());
        assertEquals(Json.array(), client.emitWithAck("nothing back").args());
        assertEquals(Json.array("from another thread"), client.emitWithAck("later").args());
        // Several in flight at once come back matched to their own callbacks.
        int a = client.emitWithAckLater("sum", null, 1, 1);
        int b = client.emitWithAckLater("sum", null, 10, 10);
        assertEquals(Json.array(2, Map.of("of", List.of(1, 1))), client.expectAck(a).args());
        assertEquals(Json.array(20, Map.of("of", List.of(10, 10))), client.expectAck(b).args());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverAcksAnsweredByTheClient(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(connections::put);
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket socket = connect(server, client, connections);

        CompletableFuture<List<Object>> answer = socket.emitWithAck(ACK_TIMEOUT, "question", "life", 6);
        ClientEvent question = client.expectEvent("question");
        assertEquals(Json.array("life", 6), question.args());
        assertTrue(question.wantsAck());
        assertFalse(answer.isDone());
        client.ack(question, "answer", 42, Map.of("sure", true));
        assertEquals(List.of("answer", 42, Map.of("sure", true)), answer.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));

        CompletableFuture<List<Object>> empty = socket.emitWithAck(ACK_TIMEOUT, "no args");
        ClientEvent noArgs = client.expectEvent("no args");
        assertEquals(Json.array(), noArgs.args());
        client.ack(noArgs);
        assertEquals(List.of(), empty.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void binaryBothWaysAndInAcks(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<Received> received = interop.mailbox("received");
        byte[] small = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        byte[] large = new byte[100_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("upload", (args, ack) -> received.put(new Received("upload", List.copyOf(args), ack.requested())));
            socket.on("reverse", (args, ack) -> {
                byte[] in = (byte[]) args.get(0);
                byte[] out = new byte[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[in.length - 1 - i];
                }
                ack.send(out, "reversed", Map.of("copy", in));
            });
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket socket = connect(server, client, connections);

        // Client to server: top level, nested in objects and arrays, and several attachments.
        client.emit("upload", small, Map.of("file", large, "name", "f"), List.of("x", small), new byte[0]);
        Received upload = received.take();
        assertEquals(4, upload.args().size());
        assertArrayEquals(small, (byte[]) upload.args().get(0));
        Map<?, ?> file = assertInstanceOf(Map.class, upload.args().get(1));
        assertArrayEquals(large, (byte[]) file.get("file"));
        assertEquals("f", file.get("name"));
        List<?> list = assertInstanceOf(List.class, upload.args().get(2));
        assertEquals("x", list.get(0));
        assertArrayEquals(small, (byte[]) list.get(1));
        assertArrayEquals(new byte[0], (byte[]) upload.args().get(3));

        // Server to client: the client gets Node Buffers.
        socket.emit("download", small, Map.of("file", large), List.of(small, "y"));
        assertEquals(Json.array(small, Map.of("file", large), List.of(small, "y")), client.expectEvent("download").args());

        // Binary in the server's ack.
        assertEquals(Json.array(new byte[] {(byte) 0x80, (byte) 0xff, 2, 1, 0}, "reversed", Map.of("copy", small)),
                client.emitWithAck("reverse", small).args());

        // Binary in the client's ack.
        CompletableFuture<List<Object>> answer = socket.emitWithAck(ACK_TIMEOUT, "send me bytes", small);
        ClientEvent ask = client.expectEvent("send me bytes");
        assertEquals(Json.array(small), ask.args());
        client.ack(ask, large, Map.of("nested", small));
        List<Object> got = answer.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertArrayEquals(large, (byte[]) got.get(0));
        assertArrayEquals(small, (byte[]) ((Map<?, ?>) got.get(1)).get("nested"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverDisconnectsThenClientConnectsAgain(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(reasons::put);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket first = connect(server, client, connections);

        first.disconnect();
        assertEquals("io server disconnect", client.expectDisconnect());
        assertEquals(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, reasons.take());
        assertFalse(first.isConnected());

        client.reconnect();
        Socket second = connect(server, client, connections);
        assertNotEquals(first.id(), second.id());
        assertEquals(Json.array("again"), client.emitWithAck("echo", "again").args());
        assertEquals(List.of(second), List.copyOf(server.of("/").sockets()));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void staysConnectedAcrossManyPings(Transport transport) {
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(Duration.ofMillis(100), Duration.ofSeconds(2))));
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(reasons::put);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket socket = connect(server, client, connections);

        client.awaitPings(8);
        assertTrue(socket.isConnected());
        assertEquals(Json.array("still here"), client.emitWithAck("echo", "still here").args());
        client.awaitPings(3);
        // No disconnect on either side: the client's mailbox held nothing else (checked at the end), nor the server's.
        reasons.assertEmpty();
        assertEquals(Json.array("and here"), client.emitWithAck("echo", "and here").args());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverSeesTheClientLeave(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(reasons::put);
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/"), options(transport, Map.of()));
        Socket socket = connect(server, client, connections);

        client.disconnect();
        assertEquals("io client disconnect", client.expectDisconnect());
        assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, reasons.take());
        assertFalse(socket.isConnected());
        assertTrue(server.of("/").sockets().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverSeesTheConnectionDrop(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(reasons::put);
        });
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), options(transport, Map.of()));
        connect(server, client, connections);
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }

        node.crash();
        // As in the Node server: a WebSocket that closes is a "transport close"; a long-polling GET cut
        // off while it waits is a "transport error" (the poll connection closed prematurely).
        DisconnectReason expected = transport == Transport.POLLING
                ? DisconnectReason.TRANSPORT_ERROR : DisconnectReason.TRANSPORT_CLOSE;
        assertEquals(expected, reasons.take());
        assertTrue(server.of("/").sockets().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverSeesAPingTimeout(Transport transport) {
        Duration interval = Duration.ofMillis(200);
        // Long enough that a client stalled for a moment on a busy machine is not cut before the freeze.
        Duration timeout = Duration.ofMillis(1500);
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(interval, timeout)));
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(reasons::put);
        });
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), options(transport, Map.of()));
        connect(server, client, connections);
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        client.awaitPings(1);

        long frozenAt = System.nanoTime();
        node.freeze();
        assertEquals(DisconnectReason.PING_TIMEOUT, reasons.take());
        long tookMs = (System.nanoTime() - frozenAt) / 1_000_000;
        // At most one interval until the unanswered ping, then the timeout; the rest is slack for a busy machine.
        assertTrue(tookMs <= interval.toMillis() + timeout.toMillis() + 5_000,
                () -> "the ping timeout took " + tookMs + " ms");
        assertTrue(server.of("/").sockets().isEmpty());
    }
}
