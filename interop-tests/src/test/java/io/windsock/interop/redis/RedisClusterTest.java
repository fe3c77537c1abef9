package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

/**
 * Two Windsock nodes on a private Redis Cluster of three masters, with real socket.io-client 4.8
 * clients on each, on the classic adapter (null) and on the sharded one in each mode. Rooms and a
 * second namespace are chosen so that their channels live on three different shards.
 */
class RedisClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisClusterProcesses cluster;
    private static RedisClusterClient probe;

    @RegisterExtension
    final Interop interop = new Interop();
    private final String key = "wsc-" + UUID.randomUUID();
    private final List<RedisAdapterFactory> factories = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcesses.start(3);
        probe = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
        probe.refreshPartitions();
    }

    @AfterAll
    static void stopCluster() {
        if (probe != null) {
            probe.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeFactories() {
        factories.forEach(RedisAdapterFactory::close);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the id of the cluster node owning a channel's slot */
    private static String owner(String channel) {
        return probe.getPartitions().getPartitionBySlot(SlotHash.getSlot(channel)).getNodeId();
    }

    private Windsock node(SubscriptionMode sharded, List<String> namespaces, Mailbox<Socket> connections) throws Exception {
        RedisAdapterFactory.Builder builder = RedisAdapterFactory.builder().clusterUris(cluster.uris().get(0))
                .key(key).requestTimeout(WAIT);
        if (sharded != null) {
            builder.sharded(sharded);
        }
        RedisAdapterFactory factory = builder.build();
        factories.add(factory);
        factory.connected().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Windsock node = interop.server(factory, o -> o);
        for (String nsp : namespaces) {
            node.of(nsp).onConnection(socket -> {
                if (socket.handshake().auth().get("room") instanceof String room) {
                    socket.join(room);
                }
                connections.put(socket);
            });
            node.of(nsp).onServerSideEmit("ping", (args, ack) -> ack.send("pong from " + nsp));
        }
        return node;
    }

    private ClientSocket connect(NodeClient client, Windsock node, String nsp, String room) {
        ClientSocket socket = client.connect(interop.url(node, nsp),
                Map.of("transports", List.of("websocket"), "auth", Map.of("room", room)));
        socket.expectConnect();
        return socket;
    }

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(SubscriptionMode.class)
    void broadcastsAcksFetchSocketsAndServerCountAcrossShards(SubscriptionMode sharded) throws Exception {
        // Three rooms whose channels live on three different shards, and a namespace on another shard than "/".
        Map<String, String> roomsByOwner = new LinkedHashMap<>();
        for (int i = 0; roomsByOwner.size() < 3 && i < 1000; i++) {
            roomsByOwner.putIfAbsent(owner(key + "#/#room" + i + "#"), "room" + i);
        }
        assertEquals(3, roomsByOwner.size(), "rooms on three shards");
        List<String> rooms = List.copyOf(roomsByOwner.values());
        String other = null;
        for (int i = 0; other == null; i++) {
            if (!owner(key + "#/n" + i + "#").equals(owner(key + "#/#"))) {
                other = "/n" + i;
            }
        }
        List<String> namespaces = List.of("/", other);

        Mailbox<Socket> connections = interop.mailbox("connections");
        Windsock a = node(sharded, namespaces, connections);
        Windsock b = node(sharded, namespaces, connections);
        NodeClient client = interop.client();
        List<ClientSocket> onA = new ArrayList<>();
        List<ClientSocket> onB = new ArrayList<>();
        Map<String, Set<String>> idsByRoom = new LinkedHashMap<>();
        for (String room : rooms) {
            onA.add(connect(client, a, "/", room));
            idsByRoom.computeIfAbsent(room, r -> new HashSet<>()).add(connections.take().id());
            onB.add(connect(client, b, "/", room));
            idsByRoom.get(room).add(connections.take().id());
        }
        ClientSocket otherA = connect(client, a, other, "x");
        connections.take();
        ClientSocket otherB = connect(client, b, other, "x");
        connections.take();

        for (Windsock node : List.of(a, b)) {
            for (String nsp : namespaces) {
                assertEquals(2, await(((NamespaceImpl) node.of(nsp)).adapter().serverCount().toCompletableFuture()),
                        "server count of " + nsp);
            }
        }

        // In the dynamic modes a node subscribes to a room's shard channel once a socket joined the room, which
        // its client does not wait for: the broadcasts go to the rooms once Redis counts both nodes there.
        if (sharded != null && sharded != SubscriptionMode.STATIC) {
            try (StatefulRedisClusterConnection<String, String> commands = probe.connect()) {
                for (String room : rooms) {
                    String channel = key + "#/#" + room + "#";
                    RedisCommands<String, String> shard = commands.getConnection(owner(channel)).sync();
                    RedisNodes.awaitSubscribers("channel of " + room, 2,
                            () -> shard.pubsubShardNumsub(channel).get(channel));
                }
            }
        }

        // A broadcast to each room reaches its sockets on both nodes, and no other socket.
        for (int i = 0; i < rooms.size(); i++) {
            b.to(rooms.get(i)).emit("room", i);
            assertEquals(Json.array(i), onA.get(i).expectEvent("room").args());
            assertEquals(Json.array(i), onB.get(i).expectEvent("room").args());
        }
        a.of(other).emit("other", "from a");
        assertEquals(Json.array("from a"), otherB.expectEvent("other").args());
        assertEquals(Json.array("from a"), otherA.expectEvent("other").args());
        b.emit("end");
        for (ClientSocket socket : onA) {
            socket.expectEvent("end"); // a stray "room" event would have arrived before it
        }
        for (ClientSocket socket : onB) {
            socket.expectEvent("end");
        }

        for (int i = 0; i < rooms.size(); i++) {
            String room = rooms.get(i);
            List<RemoteSocket> found = await(a.of("/").in(room).fetchSockets());
            Set<String> ids = new HashSet<>();
            found.forEach(s -> ids.add(s.id()));
            assertEquals(idsByRoom.get(room), ids, "sockets of " + room);

            var acks = a.of("/").to(room).timeout(WAIT).emitWithAck("ask", room);
            for (ClientSocket socket : List.of(onA.get(i), onB.get(i))) {
                ClientEvent ask = socket.expectEvent("ask");
                assertTrue(ask.wantsAck());
                socket.ack(ask, socket.name());
            }
            assertEquals(Set.of(onA.get(i).name(), onB.get(i).name()), new HashSet<>(await(acks)));
        }
        assertEquals(List.of("pong from " + other), await(a.of(other).serverSideEmitWithAck(WAIT, "ping")));
        assertEquals(List.of("pong from /"), await(b.of("/").serverSideEmitWithAck(WAIT, "ping")));
    }
}
