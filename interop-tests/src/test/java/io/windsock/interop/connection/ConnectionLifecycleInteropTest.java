package io.windsock.interop.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A connection's life with the real {@code socket.io-client} 4.8: onOpen, onMessage, close, onClose, server acks. */
class ConnectionLifecycleInteropTest {
    @RegisterExtension
    final Interop interop = new Interop();

    public static class Guarded extends SocketConnection {
        private final Mailbox<String> closes;

        Guarded(Mailbox<String> closes) {
            this.closes = closes;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            String token = handshake.query("token");
            if ("banned".equals(token)) {
                throw new ConnectError("banned", Map.of("retry", false));
            }
            if (!"good".equals(token)) {
                return false;
            }
            emit("welcome", handshake.auth().get("user")); // held until the client has its CONNECT reply
            return true;
        }

        @Override
        protected void onMessage(Object message) {
            send("echo: " + message);
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            closes.put(reason.wire());
        }

        @Event
        public void leave() {
            close();
        }
    }

    public static class Asker extends SocketConnection {
        /** Asks the client a question and acks with its answer, or with why there was none. */
        @Event
        public CompletableFuture<Object> ask(String question, long timeoutMillis) {
            return emitWithAck(Duration.ofMillis(timeoutMillis), "question", question)
                    .handle((answer, error) -> error == null ? answer : Map.of("failed", error.getClass().getSimpleName()));
        }
    }

    public static class Rooms extends SocketConnection {
        @Event("join room")
        public String join(String room) {
            joinRoom(room);
            to(room).emit("joined", socket().id()); // the room's other sockets, not this one
            return "ok";
        }

        @Event
        public String part(String room) {
            leaveRoom(room);
            return "left";
        }

        @Event
        public String say(String room, String text) {
            to(room).emit("said", text);
            return "sent"; // once acked, the broadcast is already queued for every recipient
        }

        @Event
        public String ping() {
            return "pong";
        }
    }

    private ClientSocket connect(Windsock server, Transport transport, String token) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        options.put("query", Map.of("token", token));
        options.put("auth", Map.of("user", "joe"));
        return interop.client().connect(interop.url(server, "/"), options);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void onOpenAdmitsOrRefusesAndItsEmitsFollowTheConnect(Transport transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), () -> new Guarded(closes));

        ClientEvent refused = connect(server, transport, "bad").expectConnectError();
        assertEquals("connection refused", refused.message());
        ClientEvent banned = connect(server, transport, "banned").expectConnectError();
        assertEquals("banned", banned.message());
        assertEquals(Json.tree(Map.of("retry", false)), banned.data());

        ClientSocket client = connect(server, transport, "good");
        client.expectConnect();
        assertEquals(Json.array("joe"), client.expectEvent("welcome").args());
        client.emit("message", "hi"); // what socket.send("hi") sends
        assertEquals(Json.array("echo: hi"), client.expectEvent("message").args());
        client.disconnect();
        assertEquals("io client disconnect", client.expectDisconnect());
        assertEquals("client namespace disconnect", closes.take(), "onClose runs; not for the refused ones");
    }

    @Test
    void closeLeavesTheNamespaceAndOnCloseSeesWhy() {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), () -> new Guarded(closes));
        ClientSocket client = connect(server, Transport.WEBSOCKET, "good");
        client.expectConnect();
        client.expectEvent("welcome");
        client.emit("leave");
        assertEquals("io server disconnect", client.expectDisconnect());
        assertEquals("server namespace disconnect", closes.take());
    }

    @Test
    void aServerEmitWithAckIsAnsweredByTheStockClient() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), Asker::new);
        ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        client.expectConnect();

        int seq = client.emitWithAckLater("ask", null, "why?", 10_000);
        ClientEvent question = client.expectEvent("question");
        assertTrue(question.wantsAck(), "the server asked for an ack, and the client's callback exists");
        assertEquals(Json.array("why?"), question.args());
        client.ack(question, "because", 42);
        assertEquals(Json.array(Json.array("because", 42)), client.expectAck(seq).args());

        seq = client.emitWithAckLater("ask", null, "silence?", 200);
        client.expectEvent("question"); // left unanswered
        assertEquals(Json.array(Map.of("failed", "TimeoutException")), client.expectAck(seq).args());
    }

    @Test
    void roomsThroughTheConnection() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), Rooms::new);
        ClientSocket a = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        a.expectConnect();
        ClientSocket b = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        String bId = b.expectConnect();

        assertEquals(Json.array("ok"), a.emitWithAck("join room", "lobby").args());
        assertEquals(Json.array("ok"), b.emitWithAck("join room", "lobby").args());
        assertEquals(Json.array(bId), a.expectEvent("joined").args());
        assertEquals(Json.array("sent"), b.emitWithAck("say", "lobby", "hi").args());
        assertEquals(Json.array("hi"), a.expectEvent("said").args());

        assertEquals(Json.array("left"), a.emitWithAck("part", "lobby").args());
        assertEquals(Json.array("sent"), b.emitWithAck("say", "lobby", "again").args());
        // Had "again" been sent to a, it would be queued before this ack: a saw nothing else.
        assertEquals(Json.array("pong"), a.emitWithAck("ping").args());
    }
}
