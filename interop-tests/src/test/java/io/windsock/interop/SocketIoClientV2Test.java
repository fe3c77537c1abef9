package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real {@code socket.io-client} 2.5 (Engine.IO v3) against Windsock, over WebSocket only,
 * long-polling only, and polling upgraded to WebSocket: the same server code serves it as 4.x clients.
 */
class SocketIoClientV2Test {
    static final String DRIVER = "scripts/socketio-v2-driver.js";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();

    private NodeClient client() {
        return interop.client(DRIVER);
    }

    private static Map<String, Object> options(Transport transport, Map<String, ?> extra) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.putAll(extra);
        return options;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectsToMainWithoutAsking(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(connections::put);

        ClientSocket client = client().connect(interop.url(server, "/"),
                options(transport, Map.of("query", Map.of("room", "lobby"))));
        String id = client.expectConnect();
        Socket socket = connections.take();
        assertEquals(id, socket.id(), "2.x computes its id: the Engine.IO id on '/'");
        assertEquals(socket.conn().id(), socket.id());
        assertEquals("lobby", socket.handshake().query("room"));
        assertEquals("3", socket.handshake().query("EIO"));
        assertEquals(Map.of(), socket.handshake().auth());
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        assertEquals(transport.finalTransport(), client.transport());
        socket.on("which transport", (args, ack) -> ack.send(socket.transport()));
        assertEquals(Json.array(transport.finalTransport()), client.emitWithAck("which transport").args());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void namespaceQueryIsTheAuth(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> main = interop.mailbox("main connections");
        Mailbox<Socket> chat = interop.mailbox("chat connections");
        server.of("/").onConnection(main::put);
        server.of("/chat").onConnection(socket -> {
            chat.put(socket);
            socket.on("where", (args, ack) -> ack.send(socket.namespace().name(), socket.handshake().auth()));
        });

        NodeClient node = client();
        ClientSocket client = node.connect(interop.url(server, "/chat"),
                options(transport, Map.of("query", Map.of("token", "abc", "n", "1"))));
        String id = client.expectConnect();
        Socket socket = chat.take();
        assertEquals("/chat#" + socket.conn().id(), socket.id());
        assertEquals(id, socket.id());
        assertEquals(Map.of("token", "abc", "n", "1"), socket.handshake().auth());
        assertEquals(Json.array("/chat", Map.of("token", "abc", "n", "1")), client.emitWithAck("where").args());
        // As with socket.io 4 and allowEIO3, the connection joined '/' too.
        assertEquals(socket.conn().id(), main.take().id());

        ClientSocket other = node.multiplex(client, "/chat2", Map.of());
        assertEquals("Invalid namespace", other.expect("error").data().asText());
    }

    /** A string query goes into the CONNECT as written: a semicolon in it separates nothing, as in Node. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aStringNamespaceQueryKeepsItsSemicolons(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> chat = interop.mailbox("chat connections");
        server.of("/chat").onConnection(chat::put);
        ClientSocket client = client().connect(interop.url(server, "/chat"),
                options(transport, Map.of("query", "token=a;b&n=1")));
        client.expectConnect();
        assertEquals(Map.of("token", "a;b", "n", "1"), chat.take().handshake().auth());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void middlewareRefusalIsTheErrorEventsString(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(socket -> { });
        server.of("/vault").use(socket -> {
            if (!"letmein".equals(socket.handshake().auth().get("password"))) {
                throw new ConnectError("not allowed");
            }
        }).onConnection(connections::put);
        NodeClient node = client();

        ClientSocket refused = node.connect(interop.url(server, "/vault"),
                options(transport, Map.of("query", Map.of("password", "guess"))));
        ClientEvent error = refused.expect("error");
        assertEquals("not allowed", error.data().asText());

        ClientSocket admitted = node.connect(interop.url(server, "/vault"),
                options(transport, Map.of("query", Map.of("password", "letmein"))));
        assertEquals(admitted.expectConnect(), connections.take().id());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void eventsAndAcksBothWays(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<List<Object>> received = interop.mailbox("received");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("say", (args, ack) -> received.put(List.copyOf(args)));
            socket.on("sum", (args, ack) -> ack.send(((Number) args.get(0)).intValue() + ((Number) args.get(1)).intValue()));
        });
        ClientSocket client = client().connect(interop.url(server, "/"), options(transport, Map.of()));
        client.expectConnect();
        Socket socket = connections.take();

        Map<String, Object> object = Map.of("s", "unicode é✓😀 and \"quotes\"\n", "list", List.of(1, "two"));
        client.emit("say", "hello", object);
        assertEquals(List.of("hello", object), received.take());
        assertEquals(Json.array(5), client.emitWithAck("sum", 2, 3).args());

        socket.emit("news", "today", object);
        assertEquals(Json.array("today", object), client.expectEvent("news").args());
        CompletableFuture<List<Object>> answer = socket.emitWithAck(ACK_TIMEOUT, "question", 6);
        ClientEvent question = client.expectEvent("question");
        assertTrue(question.wantsAck());
        client.ack(question, "answer", 42);
        assertEquals(List.of("answer", 42), answer.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void binaryBothWays(Transport transport) throws Exception {
        binary(transport, Map.of());
    }

    /** {@code forceBase64}: the client asks for {@code b64=1} and sends binary as base64 text. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void binaryAsBase64(Transport transport) throws Exception {
        binary(transport, Map.of("forceBase64", true));
    }

    private void binary(Transport transport, Map<String, ?> extra) throws Exception {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        byte[] small = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        byte[] large = new byte[100_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("reverse", (args, ack) -> {
                byte[] in = (byte[]) args.get(0);
                byte[] out = new byte[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[in.length - 1 - i];
                }
                ack.send(out, "reversed é", Map.of("copy", in));
            });
        });
        ClientSocket client = client().connect(interop.url(server, "/"), options(transport, extra));
        client.expectConnect();
        Socket socket = connections.take();

        for (byte[] data : List.of(small, large)) {
            ClientEvent back = client.emitWithAck("reverse", data, "text é");
            byte[] reversed = Json.bytes(back.arg(0));
            assertEquals(data.length, reversed.length);
            assertEquals(data[0], reversed[reversed.length - 1]);
            assertEquals("reversed é", back.arg(1).asText());
            assertArrayEquals(data, Json.bytes(back.arg(2).get("copy")));
        }
        // Server to client, and the client's binary answer to a server ack.
        CompletableFuture<List<Object>> answer = socket.emitWithAck(ACK_TIMEOUT, "file", small, "é", large);
        ClientEvent file = client.expectEvent("file");
        assertArrayEquals(small, Json.bytes(file.arg(0)));
        assertEquals("é", file.arg(1).asText());
        assertArrayEquals(large, Json.bytes(file.arg(2)));
        client.ack(file, small);
        assertArrayEquals(small, (byte[]) answer.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(0));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theClientPingsAndTheServerAnswers(Transport transport) {
        // Pings every 200 ms; a pong may take 2 s (a stalled process on a busy machine must not close the
        // client), and the server waits 2.2 s for a ping.
        Duration interval = Duration.ofMillis(200);
        Duration timeout = Duration.ofSeconds(2);
        Windsock server = interop.server(o -> o.engine(Interop.fastPing(interval, timeout)));
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        ClientSocket client = client().connect(interop.url(server, "/"), options(transport, Map.of()));
        client.expectConnect();
        Socket socket = connections.take();
        long start = System.nanoTime(); // the session is older
        // The session lives on the client's pings: 14 rounds, each at least an interval after the last
        // pong, last past pingInterval + pingTimeout.
        client.awaitPings(14);
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(lived > interval.plus(timeout).toMillis(), () -> "only " + lived + " ms");
        assertTrue(socket.isConnected());
        assertEquals(Json.array("still here"), client.emitWithAck("echo", "still here").args());
        client.assertNothingMore();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void reconnectsAfterTheConnectionCloses(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> left = interop.mailbox("disconnects");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.onDisconnect(left::put);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        Map<String, Object> options = options(transport, Map.of("reconnection", true, "reconnectionDelay", 50,
                "reconnectionDelayMax", 200, "randomizationFactor", 0));
        ClientSocket client = client().connect(interop.url(server, "/"), options);
        String first = client.expectConnect();
        connections.take().conn().close();
        assertEquals("transport close", client.expectDisconnect());
        assertEquals(DisconnectReason.FORCED_CLOSE, left.take());
        String second = client.expectConnect();
        assertTrue(!first.equals(second), "a new session");
        assertEquals(second, connections.take().id());
        assertEquals(Json.array("back"), client.emitWithAck("echo", "back").args());
    }
}
