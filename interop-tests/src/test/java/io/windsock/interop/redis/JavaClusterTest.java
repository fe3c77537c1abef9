package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.redis.RedisEmitter;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

/**
 * Two Windsock nodes on one Redis, with real socket.io-client 4.8 clients on each. The tests taking a
 * subscription mode run on the classic adapter (null) and on the sharded one in each mode.
 */
class JavaClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);

    /** A node whose sockets join the room named by their auth's "room", keep its "name" as data, and echo "shout". */
    private Windsock node(Mailbox<Socket> connections) {
        return node(connections, null);
    }

    private Windsock node(Mailbox<Socket> connections, SubscriptionMode sharded) {
        Windsock node = redis.node(sharded);
        node.of("/").onConnection(socket -> {
            Object room = socket.handshake().auth().get("room");
            if (room instanceof String r) {
                socket.join(r);
            }
            if (socket.handshake().auth().get("name") instanceof String name) {
                socket.data().put("name", name);
            }
            socket.on("shout", (args, ack) -> socket.broadcast().emit("shouted", args.get(0)));
            connections.put(socket);
        });
        return node;
    }

    private ClientSocket connect(NodeClient client, Windsock node, Map<String, Object> auth) {
        ClientSocket socket = client.connect(interop.url(node, "/") + "?tag=x",
                Map.of("transports", List.of("websocket"), "auth", auth));
        socket.expectConnect();
        return socket;
    }

    private static void takeAll(Mailbox<Socket> connections, int count) {
        for (int i = 0; i < count; i++) {
            connections.take();
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void broadcastsReachEveryClientOnceFromEitherNode(SubscriptionMode sharded) {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Windsock a = node(connections, sharded);
        Windsock b = node(connections, sharded);
        NodeClient client = interop.client();
        ClientSocket a1 = connect(client, a, Map.of());
        ClientSocket a2 = connect(client, a, Map.of("room", "r"));
        ClientSocket b1 = connect(client, b, Map.of());
        ClientSocket b2 = connect(client, b, Map.of("room", "r"));
        takeAll(connections, 4);
        List<ClientSocket> all = List.of(a1, a2, b1, b2);

        a.emit("news", "from a", 1);
        for (ClientSocket socket : all) {
            assertEquals(Json.array("from a", 1), socket.expectEvent("news").args());
        }
        b.emit("news", "from b", 2);
        for (ClientSocket socket : all) {
            assertEquals(Json.array("from b", 2), socket.expectEvent("news").args());
        }

        // Broadcasts from one node arrive in order; from two nodes in any order: one node at a time.
        b.to("r").emit("room", "only r");
        b.except("r").emit("except", "not r");
        for (ClientSocket socket : List.of(a2, b2)) {
            assertEquals(Json.array("only r"), socket.expectEvent("room").args());
        }
        for (ClientSocket socket : List.of(a1, b1)) {
            assertEquals(Json.array("not r"), socket.expectEvent("except").args());
        }
        a.to("r", "nowhere").emit("rooms", "r or nowhere");
        for (ClientSocket socket : List.of(a2, b2)) {
            assertEquals(Json.array("r or nowhere"), socket.expectEvent("rooms").args());
        }

        a2.emit("shout", "hey");
        for (ClientSocket socket : List.of(a1, b1, b2)) {
            assertEquals(Json.array("hey"), socket.expectEvent("shouted").args());
        }

        byte[] bytes = {0, 1, 2, (byte) 255};
        b.emit("bin", bytes, Map.of("nested", bytes));
        for (ClientSocket socket : all) {
            assertEquals(Json.array(bytes, Map.of("nested", bytes)), socket.expectEvent("bin").args());
        }
        a.of("/").local().emit("local", "a only");
        for (ClientSocket socket : List.of(a1, a2)) {
            assertEquals(Json.array("a only"), socket.expectEvent("local").args());
        }
        // An end marker from each node: a duplicate or a stray packet would arrive before it.
        a.emit("end");
        b.emit("end");
        for (ClientSocket socket : all) {
            socket.expectEvent("end");
            socket.expectEvent("end");
        }
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void fetchSocketsJoinLeaveAndDisconnectAcrossNodes(SubscriptionMode sharded) throws Exception {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Windsock a = node(connections, sharded);
        Windsock b = node(connections, sharded);
        NodeClient client = interop.client();
        ClientSocket a1 = connect(client, a, Map.of("name", "ann"));
        connections.take();
        ClientSocket b1 = connect(client, b, Map.of("name", "bob", "room", "r"));
        String bobId = connections.take().id();

        List<RemoteSocket> found = await(a.of("/").fetchSockets());
        assertEquals(2, found.size());
        // Completed by the other node's answer, read on a Redis network thread: the application's stage runs on a handler
        // thread. A stage attached after the answer came runs on the caller (CompletableFuture's rule): only one attached
        // before tells, so a few tries, of which every one that did not run on the caller must be on a handler thread.
        String caller = Thread.currentThread().getName();
        String stageThread = caller;
        for (int tries = 0; tries < 20 && stageThread.equals(caller); tries++) {
            stageThread = await(a.of("/").fetchSockets().thenApply(sockets -> Thread.currentThread().getName()));
        }
        assertTrue(stageThread.startsWith("windsock-handler-"), stageThread);
        RemoteSocket bob = found.stream().filter(s -> s.id().equals(bobId)).findFirst().orElseThrow();
        assertEquals(Set.of(bobId, "r"), bob.rooms());
        assertEquals("bob", bob.data().get("name"));
        assertEquals("bob", bob.handshake().auth().get("name"));
        assertEquals("x", bob.handshake().query("tag"));
        assertEquals("websocket", bob.handshake().query("transport"));
        assertTrue(bob.handshake().address().getAddress().isLoopbackAddress(), () -> "" + bob.handshake().address());

        bob.emit("direct", "to bob");
        assertEquals(Json.array("to bob"), b1.expectEvent("direct").args());
        var answer = bob.emitWithAck(WAIT, "ask", "bob?");
        ClientEvent asked = b1.expectEvent("ask");
        b1.ack(asked, "yes", "not carried across nodes");
        assertEquals("yes", await(answer));

        a.of("/").in("r").socketsJoin("s", "t");
        a.of("/").socketsLeave("t");
        RemoteSocket again = await(a.of("/").in("s").fetchSockets()).get(0);
        assertEquals(Set.of(bobId, "r", "s"), again.rooms());

        b.of("/").except("r").disconnectSockets(false);
        a1.expectDisconnect();
        a.of("/").in("r").disconnectSockets(false);
        b1.expectDisconnect();
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void serverSideEmitWithAcksAndBroadcastAcksCountEveryNode(SubscriptionMode sharded) throws Exception {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<List<Object>> heard = interop.mailbox("heard");
        Windsock a = node(connections, sharded);
        Windsock b = node(connections, sharded);
        b.of("/").onServerSideEmit("hello", (args, ack) -> heard.put(args));
        b.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong " + args.get(0)));
        a.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("never: own event"));
        NodeClient client = interop.client();
        ClientSocket a1 = connect(client, a, Map.of());
        ClientSocket b1 = connect(client, b, Map.of());
        ClientSocket b2 = connect(client, b, Map.of());
        takeAll(connections, 3);

        a.of("/").serverSideEmit("hello", 1, "two");
        assertEquals(List.of(1, "two"), heard.take());
        assertEquals(List.of("pong 7"), await(a.of("/").serverSideEmitWithAck(WAIT, "ping", 7)));

        var acks = a.of("/").timeout(WAIT).emitWithAck("ask", "q");
        for (ClientSocket socket : List.of(a1, b1, b2)) {
            ClientEvent ask = socket.expectEvent("ask");
            assertTrue(ask.wantsAck());
            socket.ack(ask, socket.name());
        }
        assertEquals(Set.of(a1.name(), b1.name(), b2.name()), new HashSet<>(await(acks)));

        // local(): this node's clients only; complete once they answered, the other node not waited for.
        var local = a.of("/").local().timeout(WAIT).emitWithAck("ask", "local");
        ClientEvent mine = a1.expectEvent("ask");
        a1.ack(mine, "a1 local");
        assertEquals(List.of("a1 local"), await(local));

        // One client on the other node does not answer: the broadcast times out with the acks it got. The
        // others' acks cross Node, the test and Redis before it does: 3 s for a loaded machine (each
        // sharding mode waits them out).
        var partial = a.of("/").timeout(Duration.ofSeconds(3)).emitWithAck("ask", "again");
        ClientEvent first = a1.expectEvent("ask");
        ClientEvent second = b1.expectEvent("ask");
        b2.expectEvent("ask");
        a1.ack(first, "a1 again");
        b1.ack(second, "b1 again");
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(partial));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failed.getCause());
        assertEquals(Set.of("a1 again", "b1 again"), new HashSet<>(timeout.responses()));
    }

    @Test
    void theJavaEmitterReachesEveryNode() {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<List<Object>> heard = interop.mailbox("heard");
        Windsock a = node(connections);
        Windsock b = node(connections);
        a.of("/").onServerSideEmit("note", (args, ack) -> heard.put(args));
        b.of("/").onServerSideEmit("note", (args, ack) -> heard.put(args));
        NodeClient client = interop.client();
        ClientSocket a1 = connect(client, a, Map.of("room", "r"));
        ClientSocket b1 = connect(client, b, Map.of("room", "r"));
        ClientSocket b2 = connect(client, b, Map.of());
        takeAll(connections, 3);
        byte[] bytes = {9, 8, 7};
        try (RedisEmitter emitter = RedisEmitter.builder().uri(RedisNodes.URI).key(redis.key()).build()) {
            emitter.to("r").emit("news", "to r", bytes);
            for (ClientSocket socket : List.of(a1, b1)) {
                assertEquals(Json.array("to r", bytes), socket.expectEvent("news").args());
            }
            emitter.of("/").except("r").emit("news", "not r");
            assertEquals(Json.array("not r"), b2.expectEvent("news").args());
            emitter.of("/").except("r").socketsJoin("joined");
            emitter.of("/").to("r").socketsLeave("r");
            emitter.to("joined").emit("news", "joined");
            assertEquals(Json.array("joined"), b2.expectEvent("news").args());
            emitter.of("/").serverSideEmit("note", 1);
            assertEquals(List.of(1), heard.take());
            assertEquals(List.of(1), heard.take());
            emitter.of("/").to("joined").disconnectSockets(false);
            b2.expectDisconnect();
            emitter.emit("end");
            a1.expectEvent("end");
            b1.expectEvent("end");
        }
    }

    @Test
    void aRequestFailsClearlyWhenANodeDoesNotAnswer() throws Exception {
        Windsock a = interop.server(redis.factory(Duration.ofMillis(500)), o -> o);
        // A client connects once the namespace's subscriptions are confirmed: then both subscribers count.
        a.of("/");
        connect(interop.client(), a, Map.of());
        // A subscriber to the request channel that never answers: counted as a node, it stays silent.
        RedisClient raw = RedisClient.create(RedisNodes.URI);
        try (StatefulRedisPubSubConnection<String, String> silent = raw.connectPubSub()) {
            silent.sync().subscribe(redis.key() + "-request#/#");
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(a.of("/").fetchSockets()));
            BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failed.getCause());
            assertTrue(timeout.getMessage().contains("REMOTE_FETCH"), timeout.getMessage());
            ExecutionException noAck = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(a.of("/").serverSideEmitWithAck(Duration.ofMillis(300), "ping")));
            assertInstanceOf(BroadcastTimeoutException.class, noAck.getCause());
        } finally {
            raw.shutdown();
        }
    }
}
