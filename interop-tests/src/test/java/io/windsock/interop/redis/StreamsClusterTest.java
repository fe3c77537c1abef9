package io.windsock.interop.redis;

import static io.windsock.interop.redis.StreamsPeers.json;
import static io.windsock.interop.redis.StreamsPeers.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.redis.StreamsPeers.JavaPeer;
import io.windsock.interop.redis.StreamsPeers.NodePeer;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.server.RemoteSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Windsock node and a Node socket.io 4.8 server with {@code @socket.io/redis-streams-adapter} 0.3.1 on the
 * same stream (both with connection state recovery, so every stored broadcast carries its entry id as offset),
 * real socket.io-client 4.8 clients on both: broadcasts and cluster requests cross both ways.
 */
class StreamsClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> NONE = List.of();

    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);
    @RegisterExtension
    final StreamsPeers peers = new StreamsPeers(interop, redis);

    private static ClientSocket connect(NodeClient client, String url, Map<String, Object> auth) {
        ClientSocket socket = client.connect(url + "?tag=t", Map.of("transports", List.of("websocket"), "auth", auth));
        socket.expectConnect();
        return socket;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Each socket gets the event with {@code args} and an offset, the same entry id on every node.
     *
     * @return that offset
     */
    private static String expectAll(List<ClientSocket> sockets, String event, JsonNode args) {
        String offset = null;
        for (ClientSocket socket : sockets) {
            ArrayNode seen = socket.expectEvent(event).args();
            String its = offset(seen);
            seen.remove(seen.size() - 1);
            assertEquals(args, seen, socket + " " + event);
            if (offset != null) {
                assertEquals(offset, its, "one entry, one offset on every node: " + socket);
            }
            offset = its;
        }
        return offset;
    }

    @Test
    void broadcastsCrossBothWaysWithTheirEntryIds() {
        NodeClient client = interop.client(); // first, so it is stopped before the Node server
        JavaPeer j = peers.java(false);
        NodePeer n = peers.node(false);
        ClientSocket j1 = connect(client, j.url(), Map.of("room", "r"));
        ClientSocket j2 = connect(client, j.url(), Map.of());
        ClientSocket n1 = connect(client, n.url(), Map.of("room", "r"));
        ClientSocket n2 = connect(client, n.url(), Map.of());
        for (int i = 0; i < 2; i++) {
            assertFalse(j.connection().recovered());
            assertFalse(n.connection().recovered());
        }
        List<ClientSocket> all = List.of(j1, j2, n1, n2);

        j.emit(NONE, NONE, "news", "from java");
        String first = expectAll(all, "news", json("from java"));
        n.emit(NONE, NONE, "news", "from node");
        String second = expectAll(all, "news", json("from node"));
        assertTrue(redis(first, second), first + " then " + second);

        j.emit(List.of("r"), NONE, "room", "r from java");
        expectAll(List.of(j1, n1), "room", json("r from java"));
        n.emit(List.of("r"), NONE, "room", "r from node");
        expectAll(List.of(j1, n1), "room", json("r from node"));
        j.emit(NONE, List.of("r"), "except", "not r, java");
        expectAll(List.of(j2, n2), "except", json("not r, java"));
        n.emit(NONE, List.of("r"), "except", "not r, node");
        expectAll(List.of(j2, n2), "except", json("not r, node"));

        // socket.broadcast from a client's handler: everyone else, on both nodes.
        n2.emit("shout", "from n2");
        expectAll(List.of(j1, j2, n1), "shouted", json("from n2"));
        j1.emit("shout", "from j1");
        expectAll(List.of(j2, n1, n2), "shouted", json("from j1"));

        // Binary arguments: the entry's data is msgpack (base64) rather than JSON.
        byte[] bytes = {1, 2, 3, (byte) 254};
        j.emit(NONE, NONE, "bin", bytes, Map.of("inner", bytes));
        expectAll(all, "bin", json(bytes, Map.of("inner", bytes)));
        n.emit(NONE, NONE, "bin", bytes, "text");
        expectAll(all, "bin", json(bytes, "text"));

        // End markers: a duplicate or a stray packet would arrive before them.
        j.emit(NONE, NONE, "end");
        expectAll(all, "end", json());
        n.emit(NONE, NONE, "end");
        expectAll(all, "end", json());
    }

    /** Whether entry id {@code a} comes before {@code b} in the stream. */
    private static boolean redis(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c < 0 : Long.parseLong(x[1]) < Long.parseLong(y[1]);
    }

    @Test
    void clusterRequestsWorkBothWays() throws Exception {
        Mailbox<List<Object>> heard = interop.mailbox("heard");
        NodeClient client = interop.client();
        JavaPeer j = peers.java(false);
        Windsock a = j.server();
        a.of("/").onServerSideEmit("hello", (args, ack) -> heard.put(args));
        a.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong java " + args.get(0)));
        NodePeer n = peers.node(false);
        ClientSocket j1 = connect(client, j.url(), Map.of("name", "ann", "room", "r"));
        String annId = j.connection().id();
        ClientSocket n1 = connect(client, n.url(), Map.of("name", "nia", "room", "r"));
        String niaId = n.connection().id();
        ClientSocket n2 = connect(client, n.url(), Map.of());
        n.connection();

        assertEquals(2, await(((NamespaceImpl) a.of("/")).adapter().serverCount().toCompletableFuture()));
        assertEquals(2, n.command(Map.of("op", "serverCount")).path("count").asInt());

        // fetchSockets from Java sees Node's sockets with their handshake, rooms and data.
        List<RemoteSocket> inR = await(a.of("/").in("r").fetchSockets());
        assertEquals(Set.of(annId, niaId), Set.copyOf(inR.stream().map(RemoteSocket::id).toList()));
        RemoteSocket nia = inR.stream().filter(s -> s.id().equals(niaId)).findFirst().orElseThrow();
        assertEquals(Set.of(niaId, "r"), nia.rooms());
        assertEquals("nia", nia.data().get("name"));
        assertEquals("nia", nia.handshake().auth().get("name"));
        assertEquals("t", nia.handshake().query("tag"));
        nia.emit("direct", "to nia");
        expectAll(List.of(n1), "direct", json("to nia"));

        // ... and the other way round.
        JsonNode fetched = n.command(Map.of("op", "fetch", "to", List.of("r")));
        assertEquals(2, fetched.path("sockets").size(), fetched.toString());
        JsonNode ann = null;
        for (JsonNode socket : fetched.path("sockets")) {
            if (socket.path("id").asText().equals(annId)) {
                ann = socket;
            }
        }
        assertEquals("ann", ann.path("data").path("name").asText(), fetched.toString());
        assertEquals("ann", ann.path("auth").path("name").asText());
        assertEquals("t", ann.path("query").path("tag").asText());
        assertEquals(Set.of(annId, "r"), Set.of(ann.path("rooms").get(0).asText(), ann.path("rooms").get(1).asText()));

        // socketsJoin / socketsLeave across. Joins go into the stream and fetches over pub/sub, which may overtake
        // them: a broadcast to the new room, added to the stream after the join, says the other node applied it.
        a.of("/").in("r").socketsJoin("s");
        a.of("/").to("s").emit("in s", "java");
        expectAll(List.of(j1, n1), "in s", json("java"));
        assertEquals(Set.of(annId, niaId), Set.copyOf(await(a.of("/").in("s").fetchSockets()).stream()
                .map(RemoteSocket::id).toList()));
        n.process().send(Map.of("op", "join", "to", List.of(niaId), "rooms", List.of("v")));
        n.process().send(Map.of("op", "leave", "to", List.of("r"), "rooms", List.of("s")));
        n.emit(List.of("v", "s"), NONE, "in v or s", "node");
        expectAll(List.of(n1), "in v or s", json("node"));
        n.emit(NONE, NONE, "after", "node"); // once the Java node has it, it applied the leave before it
        expectAll(List.of(j1, n1, n2), "after", json("node"));
        assertEquals(Set.of(niaId), Set.copyOf(await(a.of("/").in("v").fetchSockets()).stream()
                .map(RemoteSocket::id).toList()));
        assertTrue(await(a.of("/").in("s").fetchSockets()).isEmpty());

        // serverSideEmit, with and without acks, both ways.
        n.process().send(Map.of("op", "serverSideEmit", "event", "hello", "args", List.of("from node", 1)));
        assertEquals(List.of("from node", 1), heard.take());
        a.of("/").serverSideEmit("hello", "from java", bytesOf(7));
        JsonNode nodeHeard = n.lines().take(line -> line.path("type").asText().equals("heard"), "heard");
        assertEquals(json("from java", bytesOf(7)), nodeHeard.path("args"));
        assertEquals(List.of("pong node 3"), await(a.of("/").serverSideEmitWithAck(WAIT, "ping", 3)));
        JsonNode nodeAcks = n.command(Map.of("op", "serverSideEmitWithAck", "event", "ping", "args", List.of(4)));
        assertEquals(json("pong java 4"), nodeAcks.path("responses"), nodeAcks.toString());

        // Broadcasts with acks count the clients of both nodes; they are not stored (no offset).
        CompletableFuture<List<Object>> acks = a.of("/").timeout(WAIT).emitWithAck("ask", "java");
        for (ClientSocket socket : List.of(j1, n1, n2)) {
            ClientEvent ask = socket.expectEvent("ask");
            assertEquals(json("java"), ask.args());
            socket.ack(ask, socket.name());
        }
        assertEquals(Set.of(j1.name(), n1.name(), n2.name()), new HashSet<>(await(acks)));
        n.process().send(Map.of("op", "emitWithAck", "event", "ask", "args", List.of("node"), "timeout", 5000,
                "seq", 1000));
        for (ClientSocket socket : List.of(j1, n1, n2)) {
            ClientEvent ask = socket.expectEvent("ask");
            assertEquals(json("node"), ask.args());
            socket.ack(ask, socket.name() + " to node");
        }
        JsonNode nodeResult = n.lines().take(line -> line.path("seq").asInt() == 1000, "emitWithAck reply");
        assertEquals(Set.of(j1.name() + " to node", n1.name() + " to node", n2.name() + " to node"),
                Set.of(nodeResult.path("responses").get(0).asText(), nodeResult.path("responses").get(1).asText(),
                        nodeResult.path("responses").get(2).asText()), nodeResult.toString());

        // disconnectSockets across (through the stream).
        n.process().send(Map.of("op", "disconnect", "to", List.of(annId)));
        assertEquals("io server disconnect", j1.expectDisconnect());
        a.of("/").except("r").disconnectSockets(false);
        assertEquals("io server disconnect", n2.expectDisconnect());
        a.of("/").disconnectSockets(false);
        assertEquals("io server disconnect", n1.expectDisconnect());
    }

    private static byte[] bytesOf(int n) {
        return new byte[] {(byte) n, 0, (byte) 255};
    }
}
