package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.NodeProcess;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.RedisEmitter;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mixed cluster on one Redis: two Windsock nodes and a Node socket.io 4.8 server with
 * {@code @socket.io/redis-adapter} 8.3 (scripts/redis-node-server.js), real socket.io-client 4.8 clients on all three.
 * Each test runs on the classic adapter (null) and on the sharded one in each subscription mode.
 */
class MixedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);

    private int seq;
    private final Mailbox<String> synced = interop.mailbox("synced");

    /** The Node server: its process, its tagged lines and its port. */
    private record NodeServer(NodeProcess process, Mailbox<JsonNode> lines, int port) {
    }

    private NodeServer nodeServer(SubscriptionMode sharded) {
        Map<String, Object> params = new HashMap<>(Map.of("redis", RedisNodes.URI, "key", redis.key()));
        if (sharded != null) {
            params.put("sharded", RedisNodes.nodeName(sharded));
        }
        NodeProcess process = interop.script("scripts/redis-node-server.js", params);
        Mailbox<JsonNode> lines = process.mailbox("server");
        JsonNode listening = lines.take(line -> line.path("type").asText().equals("listening"), "listening");
        return new NodeServer(process, lines, listening.path("port").asInt());
    }

    private JsonNode command(NodeServer node, Map<String, Object> command) {
        int id = ++seq;
        Map<String, Object> withSeq = new HashMap<>(command);
        withSeq.put("seq", id);
        node.process().send(withSeq);
        return node.lines().take(line -> line.path("type").asText().equals("reply") && line.path("seq").asInt() == id,
                "reply " + id);
    }

    private Windsock javaNode(Mailbox<Socket> connections, SubscriptionMode sharded) {
        Windsock node = redis.node(sharded);
        node.of("/").onConnection(socket -> {
            socket.on("sync", (args, ack) -> synced.put(socket.id()));
            if (socket.handshake().auth().get("room") instanceof String room) {
                socket.join(room);
            }
            if (socket.handshake().auth().get("name") instanceof String name) {
                socket.data().put("name", name);
            }
            socket.on("shout", (args, ack) -> socket.broadcast().emit("shouted", args.get(0)));
            connections.put(socket);
        });
        return node;
    }

    private static ClientSocket connect(NodeClient client, String url, Map<String, Object> auth) {
        ClientSocket socket = client.connect(url + "?tag=t", Map.of("transports", List.of("websocket"), "auth", auth));
        socket.expectConnect();
        return socket;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until each Java node heard a "sync" from its client, sent after the client got everything so far. */
    private void settle(List<ClientSocket> javaClients) {
        for (ClientSocket socket : javaClients) {
            socket.emit("sync");
        }
        for (int i = 0; i < javaClients.size(); i++) {
            synced.take();
        }
    }

    private static void expectAll(List<ClientSocket> sockets, String event, JsonNode args) {
        for (ClientSocket socket : sockets) {
            assertEquals(args, socket.expectEvent(event).args(), socket + " " + event);
        }
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void broadcastsReachEveryClientOnceFromJavaNodeAndTheEmitter(SubscriptionMode sharded) {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Windsock a = javaNode(connections, sharded);
        Windsock b = javaNode(connections, sharded);
        NodeClient client = interop.client(); // first, so it is stopped before the Node server
        NodeServer n = nodeServer(sharded);
        ClientSocket a1 = connect(client, interop.url(a, "/"), Map.of("room", "r"));
        ClientSocket b1 = connect(client, interop.url(b, "/"), Map.of());
        ClientSocket n1 = connect(client, "http://127.0.0.1:" + n.port(), Map.of("room", "r"));
        ClientSocket n2 = connect(client, "http://127.0.0.1:" + n.port(), Map.of());
        connections.take();
        connections.take();
        n.lines().take(line -> line.path("type").asText().equals("connection"), "connection");
        n.lines().take(line -> line.path("type").asText().equals("connection"), "connection");
        List<ClientSocket> all = List.of(a1, b1, n1, n2);

        a.emit("news", "from a");
        expectAll(all, "news", Json.array("from a"));
        b.emit("news", "from b");
        expectAll(all, "news", Json.array("from b"));
        n.process().send(Map.of("op", "emit", "event", "news", "args", List.of("from node")));
        expectAll(all, "news", Json.array("from node"));

        n.process().send(Map.of("op", "emit", "event", "room", "args", List.of("r only"), "to", List.of("r")));
        expectAll(List.of(a1, n1), "room", Json.array("r only"));
        b.to("r").emit("room", "r from b");
        expectAll(List.of(a1, n1), "room", Json.array("r from b"));
        a.except("r").emit("except", "not r");
        expectAll(List.of(b1, n2), "except", Json.array("not r"));
        n.process().send(Map.of("op", "emit", "event", "except", "args", List.of("not r, node"),
                "except", List.of("r")));
        expectAll(List.of(b1, n2), "except", Json.array("not r, node"));

        n2.emit("shout", "from n2");
        expectAll(List.of(a1, b1, n1), "shouted", Json.array("from n2"));
        a1.emit("shout", "from a1");
        expectAll(List.of(b1, n1, n2), "shouted", Json.array("from a1"));

        byte[] bytes = {1, 2, 3, (byte) 254};
        a.emit("bin", bytes, Map.of("inner", bytes));
        expectAll(all, "bin", Json.array(bytes, Map.of("inner", bytes)));
        n.process().send(Map.of("op", "emit", "event", "bin", "args", List.of(Json.bin(bytes, "Buffer"))));
        expectAll(all, "bin", Json.array(bytes));

        if (sharded == null) { // the emitters speak the classic adapter's messages only
            n.process().send(Map.of("op", "emitter", "event", "emitted", "args", List.of("to r", bytes), "to", List.of("r")));
            expectAll(List.of(a1, n1), "emitted", Json.array("to r", bytes));
            n.process().send(Map.of("op", "emitter", "event", "emitted", "args", List.of("to all")));
            expectAll(all, "emitted", Json.array("to all"));

            try (RedisEmitter emitter = RedisEmitter.builder().uri(RedisNodes.URI).key(redis.key()).build()) {
                emitter.to("r").emit("java emitter", "to r", bytes);
                expectAll(List.of(a1, n1), "java emitter", Json.array("to r", bytes));
                emitter.of("/").except("r").emit("java emitter", "not r");
                expectAll(List.of(b1, n2), "java emitter", Json.array("not r"));
            }
        }

        // Flags across: a volatile event reaches clients that can take it; a local one stays on its node.
        // A Windsock node drops a volatile packet while the previous batch to that client is on its way, as
        // Node does; a message each Java client sends, once heard, says its node finished writing to it.
        settle(List.of(a1, b1));
        n.process().send(Map.of("op", "emit", "event", "volatile", "args", List.of("v"), "volatile", true));
        expectAll(all, "volatile", Json.array("v"));
        settle(List.of(a1, b1));
        a.of("/").volatileEvents().emit("volatile", "va");
        expectAll(all, "volatile", Json.array("va"));
        n.process().send(Map.of("op", "emit", "event", "local", "args", List.of("node only"), "local", true));
        expectAll(List.of(n1, n2), "local", Json.array("node only"));

        // End markers: a duplicate or a stray packet would arrive before them.
        a.emit("end");
        expectAll(all, "end", Json.array());
        n.process().send(Map.of("op", "emit", "event", "end", "args", List.of()));
        expectAll(all, "end", Json.array());
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void clusterOperationsWorkBothWaysBetweenJavaAndNode(SubscriptionMode sharded) throws Exception {
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<List<Object>> heard = interop.mailbox("heard");
        Windsock a = javaNode(connections, sharded);
        Windsock b = javaNode(connections, sharded);
        a.of("/").onServerSideEmit("hello", (args, ack) -> heard.put(args));
        b.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong b " + args.get(0)));
        a.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong a " + args.get(0)));
        NodeClient client = interop.client(); // first, so it is stopped before the Node server
        NodeServer n = nodeServer(sharded);
        ClientSocket a1 = connect(client, interop.url(a, "/"), Map.of("name", "ann", "room", "r"));
        String annId = connections.take().id();
        ClientSocket n1 = connect(client, "http://127.0.0.1:" + n.port(), Map.of("name", "nia", "room", "r"));
        String niaId = n.lines().take().path("id").asText();
        ClientSocket n2 = connect(client, "http://127.0.0.1:" + n.port(), Map.of());
        n.lines().take();

        // Every node counts the three servers.
        assertEquals(3, await(((NamespaceImpl) a.of("/")).adapter().serverCount().toCompletableFuture()));
        assertEquals(3, command(n, Map.of("op", "serverCount")).path("count").asInt());

        // fetchSockets from Java sees Node's sockets with their handshake, rooms and data.
        List<RemoteSocket> inR = await(b.of("/").in("r").fetchSockets());
        assertEquals(Set.of(annId, niaId), Set.copyOf(inR.stream().map(RemoteSocket::id).toList()));
        RemoteSocket nia = inR.stream().filter(s -> s.id().equals(niaId)).findFirst().orElseThrow();
        assertEquals(Set.of(niaId, "r"), nia.rooms());
        assertEquals("nia", nia.data().get("name"));
        assertEquals("nia", nia.handshake().auth().get("name"));
        assertEquals("t", nia.handshake().query("tag"));
        assertTrue(nia.handshake().address().getAddress().isLoopbackAddress(), "" + nia.handshake().address());
        assertTrue(nia.handshake().header("host").startsWith("127.0.0.1:"), nia.handshake().header("host"));
        nia.emit("direct", "to nia");
        assertEquals(Json.array("to nia"), n1.expectEvent("direct").args());

        // ... and the other way round.
        JsonNode fetched = command(n, Map.of("op", "fetch", "to", List.of("r")));
        JsonNode ann = null;
        for (JsonNode socket : fetched.path("sockets")) {
            if (socket.path("id").asText().equals(annId)) {
                ann = socket;
            }
        }
        assertEquals(2, fetched.path("sockets").size(), fetched.toString());
        assertEquals("ann", ann.path("data").path("name").asText());
        assertEquals("ann", ann.path("auth").path("name").asText());
        assertEquals("t", ann.path("query").path("tag").asText());
        assertEquals(Set.of(annId, "r"), Set.of(ann.path("rooms").get(0).asText(), ann.path("rooms").get(1).asText()));
        assertTrue(ann.path("headers").path("host").asText().startsWith("127.0.0.1:"), ann.toString());

        // socketsJoin / socketsLeave across.
        // Requests from one node reach another in order: a node's fetch is answered after its join was applied.
        a.of("/").in("r").socketsJoin("s", "u");
        assertEquals(Set.of(annId, niaId), Set.copyOf(await(a.of("/").in("s").fetchSockets()).stream()
                .map(RemoteSocket::id).toList()));
        n.process().send(Map.of("op", "leave", "to", List.of("r"), "rooms", List.of("u")));
        n.process().send(Map.of("op", "join", "to", List.of(niaId), "rooms", List.of("v")));
        // Node applies its own requests when Redis hands them back: the reply to a later fetch says it did.
        command(n, Map.of("op", "fetch", "to", List.of("v")));
        assertEquals(Set.of(niaId), Set.copyOf(await(a.of("/").in("v").fetchSockets()).stream()
                .map(RemoteSocket::id).toList()));
        assertTrue(await(a.of("/").in("u").fetchSockets()).isEmpty());

        // serverSideEmit, with and without acks, both ways.
        a.of("/").serverSideEmit("ping-less", 0);
        n.process().send(Map.of("op", "serverSideEmit", "event", "hello", "args", List.of("from node", 1)));
        assertEquals(List.of("from node", 1), heard.take());
        b.of("/").serverSideEmit("hello", "from b");
        JsonNode nodeHeard = n.lines().take(line -> line.path("type").asText().equals("heard"), "heard");
        assertEquals(Json.array("from b"), nodeHeard.path("args"));
        assertEquals(List.of("from b"), heard.take());
        assertEquals(Set.of("pong b 3", "pong node 3"),
                new HashSet<>(await(a.of("/").serverSideEmitWithAck(WAIT, "ping", 3))));
        JsonNode nodeAcks = command(n, Map.of("op", "serverSideEmitWithAck", "event", "ping", "args", List.of(4)));
        assertEquals(Set.of("pong a 4", "pong b 4"), Set.of(nodeAcks.path("responses").get(0).asText(),
                nodeAcks.path("responses").get(1).asText()), nodeAcks.toString());

        // Broadcast acks count the clients of every node.
        CompletableFuture<List<Object>> acks = a.of("/").timeout(WAIT).emitWithAck("ask", "java");
        for (ClientSocket socket : List.of(a1, n1, n2)) {
            ClientEvent ask = socket.expectEvent("ask");
            socket.ack(ask, socket.name());
        }
        assertEquals(Set.of(a1.name(), n1.name(), n2.name()), new HashSet<>(await(acks)));
        n.process().send(Map.of("op", "emitWithAck", "event", "ask", "args", List.of("node"), "timeout", 5000,
                "seq", ++seq));
        int nodeSeq = seq;
        for (ClientSocket socket : List.of(a1, n1, n2)) {
            ClientEvent ask = socket.expectEvent("ask");
            socket.ack(ask, socket.name() + " to node");
        }
        JsonNode nodeResult = n.lines().take(line -> line.path("seq").asInt() == nodeSeq, "emitWithAck reply");
        assertEquals(3, nodeResult.path("responses").size(), nodeResult.toString());

        // disconnectSockets across.
        n.process().send(Map.of("op", "disconnect", "to", List.of(annId)));
        a1.expectDisconnect();
        a.of("/").except("r").disconnectSockets(false);
        n2.expectDisconnect();
        b.of("/").disconnectSockets(false);
        n1.expectDisconnect();
    }
}
