package io.windsock.interop.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.examples.chat.ChatServer;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.redis.RedisNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo chat as two nodes on one Redis (each test under its own prefix), with socket.io-client 4.8
 * clients in one Node process per node: messages cross nodes, a nickname is held once in the cluster,
 * and a disconnect frees it.
 */
class ChatClusterTest {
    @RegisterExtension
    final Interop interop = new Interop();

    private final String prefix = "wst-chat-" + UUID.randomUUID();

    private ChatServer.Node node() {
        return ChatServer.startNode("127.0.0.1", 0, RedisNodes.URI, prefix);
    }

    private static ClientSocket connect(NodeClient process, ChatServer.Node node) {
        ClientSocket socket = process.connect("http://127.0.0.1:" + node.port(), Transport.WEBSOCKET.clientOptions());
        socket.expectConnect();
        return socket;
    }

    @Test
    void messagesCrossNodes() {
        try (ChatServer.Node a = node(); ChatServer.Node b = node()) {
            ClientSocket ana = connect(interop.client(), a);
            ClientSocket bob = connect(interop.client(), b);
            login(ana, "Ana");
            login(bob, "Bob");
            call(ana, "join", "general");
            // The members come from fetchSockets, which asks the other node too.
            assertEquals(Json.array("Ana", "Bob"), call(bob, "join", "general").arg(0).get("members"));

            call(ana, "chat message", "hello from A");
            ClientEvent heard = awaitEvent(bob, "chat message", e -> true);
            assertEquals("Ana", heard.arg(0).get("from").asText());
            assertEquals("hello from A", heard.arg(0).get("text").asText());

            call(bob, "chat message", "hello from B");
            assertEquals("hello from B", awaitEvent(ana, "chat message", e -> true).arg(0).get("text").asText());

            // A private message finds its recipient's socket id in Redis, then its node through the adapter.
            call(ana, "private message", "bob", "psst");
            ClientEvent whisper = awaitEvent(bob, "private message", e -> true);
            assertEquals("Ana", whisper.arg(0).get("from").asText());
            assertEquals("psst", whisper.arg(0).get("text").asText());

            leave(ana, bob);
        }
    }

    @Test
    void racingLoginsOnBothNodesLeaveOneOwner() {
        try (ChatServer.Node a = node(); ChatServer.Node b = node()) {
            NodeClient onA = interop.client();
            NodeClient onB = interop.client();
            List<ClientSocket> all = new ArrayList<>();
            int winsOnA = 0;
            for (int round = 0; round < 20; round++) {
                ClientSocket first = connect(onA, a);
                ClientSocket second = connect(onB, b);
                all.add(first);
                all.add(second);
                // One name, spelt two ways that share a key, sent to both nodes at once.
                String nameOnA = "Racer" + round;
                String nameOnB = "RACER" + round;
                int seqA = first.emitWithAckLater("login", null, nameOnA);
                int seqB = second.emitWithAckLater("login", null, nameOnB);
                ClientEvent answerA = awaitAck(first, seqA);
                ClientEvent answerB = awaitAck(second, seqB);
                boolean wonA = answerA.arg(0).has("nick");
                boolean wonB = answerB.arg(0).has("nick");
                assertTrue(wonA ^ wonB, "round " + round + ": " + answerA + " / " + answerB);
                winsOnA += wonA ? 1 : 0;
                assertEquals(wonA ? nameOnB + " is taken." : nameOnA + " is taken.",
                        (wonA ? answerB : answerA).arg(0).get("error").asText());
                // The loser's node still sees the winner's claim.
                ClientSocket loser = wonA ? second : first;
                assertEquals((wonA ? nameOnB : nameOnA) + " is taken.",
                        call(loser, "login", wonA ? nameOnB : nameOnA).arg(0).get("error").asText());
            }
            System.out.println("racing logins: node A won " + winsOnA + " of 20");
            leave(all.toArray(ClientSocket[]::new));
        }
    }

    @Test
    void aNameIsFreedWhenItsOwnerDisconnects() {
        try (ChatServer.Node a = node(); ChatServer.Node b = node()) {
            ClientSocket kim = connect(interop.client(), a);
            NodeClient onB = interop.client();
            ClientSocket lee = connect(onB, b);
            ClientSocket late = connect(onB, b);
            login(kim, "Kim");
            login(lee, "Lee");
            call(kim, "join", "general");
            call(lee, "join", "general");
            assertEquals("KIM is taken.", call(late, "login", "KIM").arg(0).get("error").asText());

            kim.disconnect();
            awaitType(kim, "disconnect");
            // Node A releases the name before it tells the room, so once "left" arrives the name is free.
            awaitEvent(lee, "left", e -> "Kim".equals(e.arg(0).get("nick").asText()));
            login(late, "KIM");

            leave(lee, late);
        }
    }

    // ---- the chat's calls, skipping the presence broadcasts ("rooms", "members", ...) in between ----

    private static void login(ClientSocket socket, String nick) {
        ClientEvent answer = call(socket, "login", nick);
        assertEquals(nick, answer.arg(0).path("nick").asText(), () -> "login " + nick + ": " + answer);
    }

    private static ClientEvent call(ClientSocket socket, String event, Object... args) {
        return awaitAck(socket, socket.emitWithAckLater(event, null, args));
    }

    private static ClientEvent awaitAck(ClientSocket socket, int seq) {
        return awaitType(socket, "ack", e -> e.seq() == seq);
    }

    private static ClientEvent awaitEvent(ClientSocket socket, String name, Predicate<ClientEvent> wanted) {
        return awaitType(socket, "event", e -> name.equals(e.event()) && wanted.test(e));
    }

    private static ClientEvent awaitType(ClientSocket socket, String type) {
        return awaitType(socket, type, e -> true);
    }

    /** Takes what the socket saw until the wanted thing (each wait bounded); only server events may be skipped. */
    private static ClientEvent awaitType(ClientSocket socket, String type, Predicate<ClientEvent> wanted) {
        while (true) {
            ClientEvent seen = socket.next();
            if (type.equals(seen.type()) && wanted.test(seen)) {
                return seen;
            }
            assertEquals("event", seen.type(), () -> socket + " waited for " + type + " and saw " + seen);
        }
    }

    /** Disconnects every socket (before the servers stop), dropping the broadcasts they saw meanwhile. */
    private static void leave(ClientSocket... sockets) {
        for (ClientSocket socket : sockets) {
            socket.disconnect();
            awaitType(socket, "disconnect");
        }
        for (ClientSocket socket : sockets) {
            socket.drain();
        }
    }
}
