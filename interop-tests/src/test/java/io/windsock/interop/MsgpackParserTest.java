package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Parser;
import io.windsock.server.Rejection;
import io.windsock.server.Socket;
import io.windsock.testing.Await;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real socket.io-client 4.8 with socket.io-msgpack-parser 3.0.2 against a server with
 * {@link Parser#MSGPACK}, over WebSocket, long-polling, and polling upgraded to WebSocket: values of
 * every kind both ways (a Node {@code Buffer}, an {@code ArrayBuffer}, a {@code Date}, {@code undefined}),
 * acks both ways, rooms, a refused namespace, a connection class bound by name, and a client of the
 * other format closed cleanly.
 */
class MsgpackParserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();

    private Windsock msgpackServer() {
        return interop.server(o -> o.parser(Parser.MSGPACK));
    }

    private static Map<String, Object> options(Transport transport, Map<String, ?> extra) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.put("parser", "msgpack");
        options.putAll(extra);
        return options;
    }

    private ClientSocket connected(Windsock server, String namespace, Transport transport, Map<String, ?> extra) {
        ClientSocket client = interop.client().connect(interop.url(server, namespace), options(transport, extra));
        client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        return client;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void valuesOfEveryKindBothWays(Transport transport) {
        Windsock server = msgpackServer();
        Mailbox<List<Object>> received = interop.mailbox("received");
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> {
            received.put(new ArrayList<>(args));
            ack.send("é€😀", new byte[] {1, 2, 3}, Map.of("k", List.of(1, 2)), 1.5, Long.MAX_VALUE, null);
        }));
        ClientSocket client = connected(server, "/", transport, Map.of("auth", Map.of("token", "t")));

        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", List.of(1, Map.of("b", "c")));
        nested.put("t", true);
        ClientEvent ack = client.emitWithAck("echo", "text", 42, -7, 1.5, nested,
                Json.bin(new byte[] {9, 8}, "Buffer"), Json.bin(new byte[] {7, 6}, "ArrayBuffer"),
                Json.bin(new byte[] {5}, "Uint8Array"), Map.of("$date", 1_764_360_000_005L),
                Map.of("$undefined", true), Map.of("kept", 1, "gone", Map.of("$undefined", true)));

        List<Object> args = received.take();
        assertEquals(List.of("text", 42, -7, 1.5, nested), args.subList(0, 5));
        assertArrayEquals(new byte[] {9, 8}, (byte[]) args.get(5), "a Buffer");
        assertArrayEquals(new byte[] {7, 6}, (byte[]) args.get(6), "an ArrayBuffer (extension type 0)");
        assertArrayEquals(new byte[] {5}, (byte[]) args.get(7), "a Uint8Array (its ArrayBuffer)");
        assertEquals("2025-11-28T20:00:00.005Z", args.get(8), "a Date as Date.toJSON gives it");
        assertEquals(null, args.get(9), "undefined in an array");
        assertEquals(Map.of("kept", 1), args.get(10), "undefined in an object: no key");

        assertEquals("é€😀", ack.arg(0).asText());
        assertArrayEquals(new byte[] {1, 2, 3}, Json.bytes(ack.arg(1)));
        assertEquals("Buffer", ack.arg(1).path("kind").asText(), "byte[] reaches Node as a Buffer");
        assertEquals(Json.tree(Map.of("k", List.of(1, 2))), ack.arg(2));
        assertEquals(1.5, ack.arg(3).asDouble());
        assertEquals(9.223372036854776E18, ack.arg(4).asDouble(), "a long past 2^53, as JavaScript reads it");
        assertTrue(ack.arg(5).isNull());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverAcksAndRoomBroadcasts(Transport transport) throws Exception {
        Windsock server = msgpackServer();
        Mailbox<Socket> sockets = interop.mailbox("sockets");
        server.of("/").onConnection(socket -> {
            socket.join("room");
            sockets.put(socket);
        });
        ClientSocket first = connected(server, "/", transport, Map.of());
        Socket firstSocket = sockets.take();
        ClientSocket second = connected(server, "/", transport, Map.of());
        sockets.take();

        server.of("/").to("room").emit("news", "hot", new byte[] {4, 2});
        for (ClientSocket client : List.of(first, second)) {
            ClientEvent news = client.expectEvent("news");
            assertEquals("hot", news.arg(0).asText());
            assertArrayEquals(new byte[] {4, 2}, Json.bytes(news.arg(1)));
        }

        var answer = firstSocket.emitWithAck(WAIT, "question", 6, 7);
        ClientEvent question = first.expectEvent("question");
        assertEquals(Json.array(6, 7), question.args());
        first.ack(question, 42, Json.bin(new byte[] {1}, "Buffer"));
        List<Object> reply = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(42, reply.get(0));
        assertArrayEquals(new byte[] {1}, (byte[]) reply.get(1));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRefusedNamespaceGetsTheMessageAndData(Transport transport) {
        Windsock server = msgpackServer();
        server.of("/admin").use(socket -> {
            throw new ConnectError("not allowed", Map.of("code", 42));
        });
        ClientSocket client = interop.client().connect(interop.url(server, "/admin"), options(transport, Map.of()));
        ClientEvent error = client.expectConnectError();
        assertEquals("not allowed", error.message());
        assertEquals(Json.tree(Map.of("code", 42)), error.data());
    }

    /**
     * Data the writer cannot write (here a list that holds itself: nesting past the writer's limit) is the
     * application's mistake: reported, and the client still answered, as with JSON.
     */
    @Test
    void refusalsWhoseDataCannotBeWrittenStillAnswerTheClient() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        Mailbox<Throwable> errors = interop.mailbox("errors");
        Windsock server = interop.server(o -> o.parser(Parser.MSGPACK)
                .errorHandler((socket, event, error) -> errors.put(error)));
        server.of("/admin").use(socket -> {
            throw new ConnectError("not allowed", cyclic);
        });
        server.of("/").onConnection(socket -> socket.use((event, args) -> {
            throw new Rejection("slow down", cyclic);
        }));
        ClientSocket refused = interop.client().connect(interop.url(server, "/admin"),
                options(Transport.WEBSOCKET, Map.of()));
        assertEquals("internal error", refused.expectConnectError().message());
        assertEquals(UncheckedIOException.class, errors.take().getClass());

        ClientSocket client = connected(server, "/", Transport.WEBSOCKET, Map.of());
        ClientEvent ack = client.emitWithAck("anything");
        assertEquals("internal_error", ack.arg(0).path("error").asText(), "the client's callback fires");
        assertEquals(UncheckedIOException.class, errors.take().getClass());
    }

    /** TornadIO2's binding over MessagePack: one object unpacked into named parameters, binary included. */
    public static class Profile extends SocketConnection {
        public record Photo(String name, byte[] data) {
        }

        @Event
        public String greet(String name, int age) {
            return name + " is " + age;
        }

        @Event
        public int photo(Photo photo) {
            return photo.data().length;
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aConnectionClassBindsNamedParameters(Transport transport) {
        Windsock server = msgpackServer();
        Connections.serve(server.of("/"), Profile::new);
        ClientSocket client = connected(server, "/", transport, Map.of());
        assertEquals(Json.array("Joes is 42"), client.emitWithAck("greet", Map.of("name", "Joes", "age", 42)).args());
        assertEquals(Json.array("Ann is 7"), client.emitWithAck("greet", "Ann", 7).args());
        assertEquals(Json.array(3), client.emitWithAck("photo",
                Map.of("name", "cat", "data", Json.bin(new byte[] {1, 2, 3}, "ArrayBuffer"))).args());
    }

    /**
     * socket.io-client 2.5 with socket.io-msgpack-parser 2.2.1: its parser sends CONNECT, DISCONNECT and
     * ERROR as JSON text and events with binary as BINARY_EVENT. Node's server (parser 3.x) closes such a
     * client at either; Windsock serves it.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void olderClientsWithTheOlderParser(Transport transport) throws Exception {
        Windsock server = msgpackServer();
        Mailbox<Socket> chat = interop.mailbox("chat sockets");
        Mailbox<DisconnectReason> left = interop.mailbox("left");
        server.of("/chat").onConnection(socket -> {
            chat.put(socket);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            socket.onDisconnect(left::put);
        });
        server.of("/closed").use(socket -> {
            throw new ConnectError("not here");
        });
        NodeClient node = interop.client(SocketIoClientV2Test.DRIVER);
        ClientSocket client = node.connect(interop.url(server, "/chat"),
                options(transport, Map.of("query", Map.of("token", "abc"))));
        client.expectConnect();
        Socket socket = chat.take();
        assertEquals("abc", socket.handshake().auth().get("token"), "the namespace's query, from a JSON text CONNECT");

        ClientEvent echoed = client.emitWithAck("echo", "x", Json.bin(new byte[] {1, 2}, "Buffer"));
        assertEquals("x", echoed.arg(0).asText());
        assertArrayEquals(new byte[] {1, 2}, Json.bytes(echoed.arg(1)), "a BINARY_EVENT and its answer");
        var answer = socket.emitWithAck(WAIT, "question", new byte[] {3});
        ClientEvent question = client.expectEvent("question");
        assertArrayEquals(new byte[] {3}, Json.bytes(question.arg(0)));
        client.ack(question, Json.bin(new byte[] {4}, "Buffer"));
        assertArrayEquals(new byte[] {4}, (byte[]) answer.get(10, java.util.concurrent.TimeUnit.SECONDS).get(0));

        ClientSocket refused = node.multiplex(client, "/closed", Map.of());
        assertEquals("not here", refused.expect("error").json().path("data").asText());

        client.disconnect(); // a JSON text DISCONNECT for "/chat"
        assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, left.take());
        assertEquals("io client disconnect", client.expectDisconnect());
    }

    @Test
    void aClientOfTheOtherFormatIsClosedCleanly() {
        Windsock msgpack = msgpackServer();
        Windsock json = interop.server(o -> o);
        Mailbox<Socket> joined = interop.mailbox("sockets joined");
        msgpack.of("/").onConnection(joined::put);
        json.of("/").onConnection(joined::put);
        NodeClient node = interop.client();
        // A JSON client's CONNECT is a text message: the MessagePack server closes the connection.
        Map<String, Object> jsonClient = new HashMap<>(Transport.WEBSOCKET.clientOptions());
        ClientSocket toMsgpack = node.connect(interop.url(msgpack, "/"), jsonClient);
        // A MessagePack client's CONNECT is a binary message no JSON packet announced.
        ClientSocket toJson = node.connect(interop.url(json, "/"), options(Transport.WEBSOCKET, Map.of()));
        for (ClientSocket client : List.of(toMsgpack, toJson)) {
            ClientEvent end = client.next(WAIT);
            assertTrue(end.type().equals("disconnect") || end.type().equals("connect_error"), end.toString());
        }
        for (Windsock server : List.of(msgpack, json)) {
            Await.until(() -> server.stats().engineSessions() == 0, WAIT,
                    () -> "the refused client's session is gone: " + server.stats());
            assertEquals(0, server.stats().sockets());
        }
    }
}
