package io.windsock.redis.internal;

import static io.windsock.redis.internal.AclTestUser.await;
import static io.windsock.redis.internal.OffsetRecordingSocket.next;
import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.PersistedSession;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.internal.OffsetRecordingSocket.Delivery;
import io.windsock.server.ConnectionStateRecovery;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The streams adapter between two nodes on the real Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}),
 * each test on a stream and keys of its own: broadcasts through the stream with their entry ids as offsets,
 * sessions kept by one node and recovered on the other, and a session in the form Node's adapter keeps it.
 */
class StreamsAdapterTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));
    private static final ConnectionStateRecovery RECOVERY = new ConnectionStateRecovery(Duration.ofMinutes(2), true);

    private final String key = "wsd-" + UUID.randomUUID();
    private final String stream = key + "-stream";
    private final String sessionPrefix = key + ":session:";
    private final BlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();
    private final Map<String, LocalSocket> socketsA = new ConcurrentHashMap<>();
    private final Map<String, LocalSocket> socketsB = new ConcurrentHashMap<>();
    private final List<RedisAdapterFactory> factories = new ArrayList<>();
    private StreamsRedisAdapter nodeA;
    private StreamsRedisAdapter nodeB;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;

    private void start(ConnectionStateRecovery recovery) throws Exception {
        nodeA = startNode(factory(), namespace(socketsA, recovery));
        nodeB = startNode(factory(), namespace(socketsB, recovery));
        socketsA.put("a1", new OffsetRecordingSocket(delivered, "a1"));
        socketsB.put("b1", new OffsetRecordingSocket(delivered, "b1"));
        nodeA.addAll("a1", Set.of("a1", "room"));
        nodeB.addAll("b1", Set.of("b1", "room"));
    }

    @AfterEach
    void stop() {
        for (StreamsRedisAdapter node : new StreamsRedisAdapter[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        factories.forEach(RedisAdapterFactory::close);
        if (adminConnection != null) {
            admin().del(stream);
            adminConnection.close();
            adminClient.shutdown();
        }
    }

    @Test
    void aStoredBroadcastReachesEveryNodeWithItsEntryIdAsOffset() throws Exception {
        start(RECOVERY);
        nodeA.broadcast(event("one"), BroadcastOptions.to(Set.of("room")));
        Delivery first = next(delivered);
        Delivery second = next(delivered);
        String entry = lastEntryId();
        assertEquals(Set.of("a1", "b1"), Set.of(first.socket(), second.socket()));
        assertEquals(entry, first.offset(), "the entry's id is the offset, on the sending node too");
        assertEquals(entry, second.offset());
        assertEquals(List.of("one"), first.args());

        // Not stored, so without an offset: a volatile broadcast, and one on a node without recovery.
        nodeB.broadcast(event("volatile"), new BroadcastOptions(Set.of("room"), Set.of(), true, true, false, null));
        assertNull(next(delivered).offset());
        assertNull(next(delivered).offset());
    }

    @Test
    void withoutRecoveryBroadcastsCarryNoOffset() throws Exception {
        start(null);
        nodeB.broadcast(event("plain"), BroadcastOptions.ALL);
        Delivery first = next(delivered);
        Delivery second = next(delivered);
        assertEquals(Set.of("a1", "b1"), Set.of(first.socket(), second.socket()));
        assertNull(first.offset());
        assertNull(second.offset());
        assertEquals(1, admin().xlen(stream), "the stream still carries it to the other nodes");
    }

    @Test
    void aSessionKeptOnOneNodeIsRecoveredOnTheOtherWithTheEventsItsRoomsSelect() throws Exception {
        start(RECOVERY);
        nodeA.broadcast(event("before"), BroadcastOptions.ALL);
        String offset = next(delivered).offset();
        next(delivered);
        nodeA.delAll("a1");
        socketsA.remove("a1");
        nodeA.persistSession(new PersistedSession("a1", "pid-1", Set.of("a1", "room"), Map.of("name", "Joe", "n", 3)));
        await(() -> admin().exists(sessionPrefix + "pid-1") == 1, "the session is in Redis");

        nodeB.broadcast(event("to room"), BroadcastOptions.to(Set.of("room")));
        nodeB.broadcast(event("to other"), BroadcastOptions.to(Set.of("other")));
        nodeA.broadcast(event("to a1"), BroadcastOptions.to(Set.of("a1")));
        nodeB.broadcast(event("except room"), new BroadcastOptions(Set.of(), Set.of("room"), false, true, false, null));
        nodeB.broadcast(event("volatile"), new BroadcastOptions(Set.of(), Set.of(), true, true, false, null));
        nodeB.broadcast(event("to all"), BroadcastOptions.ALL);
        await(() -> admin().xlen(stream) == 7, "every broadcast is in the stream");

        Optional<PersistedSession> session = nodeB.restoreSession("pid-1", offset).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(Optional.of(new PersistedSession("a1", "pid-1", Set.of("a1", "room"),
                Map.of("name", "Joe", "n", 3))), session);
        List<List<Object>> missed = nodeB.missedPackets(session.get(), offset).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        // In the stream's order (the two nodes' entries may interleave), each with its entry's id.
        List<List<Object>> expected = new ArrayList<>();
        for (var entry : admin().xrange(stream, Range.create("-", "+"))) {
            Object name = ((List<?>) Messages.map(Messages.map(ClusterCodec.decodeStreamData(entry.getBody().get("data")))
                    .get("packet")).get("data")).get(0);
            if (Set.of("to room", "to a1", "to all").contains(name)) {
                expected.add(List.of(name, entry.getId()));
            }
        }
        assertEquals(3, expected.size());
        assertEquals(expected, missed);

        assertEquals(0, admin().exists(sessionPrefix + "pid-1"), "taken: a session is recovered once");
        assertEquals(Optional.empty(), nodeA.restoreSession("pid-1", offset).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void anOffsetThatIsNoEntryRecoversNothingAndKeepsTheSession() throws Exception {
        start(RECOVERY);
        nodeA.persistSession(new PersistedSession("a1", "pid-2", Set.of("a1"), Map.of()));
        await(() -> admin().exists(sessionPrefix + "pid-2") == 1, "the session is in Redis");
        for (String offset : List.of("abc", "1-0-1", "42", "1-0")) {
            assertEquals(Optional.empty(), nodeB.restoreSession("pid-3", offset).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS), offset);
        }
        // As Node's: a well-formed offset the stream does not hold takes the session all the same.
        assertEquals(Optional.empty(), nodeB.restoreSession("pid-2", "1-0").toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aSessionInNodesFormIsRecovered() throws Exception {
        start(RECOVERY);
        nodeB.broadcast(event("x"), BroadcastOptions.ALL);
        String offset = next(delivered).offset();
        // Node's adapter keeps {sid: "abc", pid: "pid1", rooms: ["abc", "room1"], data: {name: "Joe", n: 3}} so:
        admin().set(sessionPrefix + "pid1", "hKNzaWSjYWJjo3BpZKRwaWQxpXJvb21zkqNhYmOlcm9vbTGkZGF0YYKkbmFtZaNKb2WhbgM=");
        assertEquals(Optional.of(new PersistedSession("abc", "pid1", Set.of("abc", "room1"), Map.of("name", "Joe", "n", 3))),
                nodeA.restoreSession("pid1", offset).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aNodeCutFromRedisGetsWhatWasBroadcastMeanwhileOnceBack() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (TcpForwarder forwarder = new TcpForwarder(port, REDIS.getHost(), REDIS.getPort())) {
            nodeA = startNode(factory(), namespace(socketsA, RECOVERY));
            nodeB = startNode(factory(RedisURI.builder(REDIS).withHost("127.0.0.1").withPort(port).build()),
                    namespace(socketsB, RECOVERY));
            socketsB.put("b1", new OffsetRecordingSocket(delivered, "b1"));
            nodeB.addAll("b1", Set.of("b1"));
            nodeA.broadcast(event("before"), BroadcastOptions.ALL);
            assertEquals(List.of("before"), next(delivered).args());

            forwarder.cut();
            nodeA.broadcast(event("meanwhile 1"), BroadcastOptions.ALL);
            nodeA.broadcast(event("meanwhile 2"), BroadcastOptions.ALL);
            await(() -> admin().xlen(stream) == 3, "node A added both");
            assertNull(delivered.poll(200, TimeUnit.MILLISECONDS), "node B is cut off");
            forwarder.restore();

            Delivery first = delivered.poll(20, TimeUnit.SECONDS);
            Delivery second = delivered.poll(10, TimeUnit.SECONDS);
            List<String> entries = admin().xrange(stream, Range.create("-", "+")).stream().map(e -> e.getId()).toList();
            assertEquals(new Delivery("b1", List.of("meanwhile 1"), entries.get(1)), first);
            assertEquals(new Delivery("b1", List.of("meanwhile 2"), entries.get(2)), second);
        }
    }

    private RedisAdapterFactory factory() {
        return factory(REDIS);
    }

    private RedisAdapterFactory factory(RedisURI uri) {
        RedisAdapterFactory factory = RedisAdapterFactory.builder().uri(uri).key(key).streams().streamName(stream)
                .sessionKeyPrefix(sessionPrefix).requestTimeout(Duration.ofSeconds(5)).build();
        factories.add(factory);
        return factory;
    }

    private static RecordingNamespace namespace(Map<String, LocalSocket> sockets, ConnectionStateRecovery recovery) {
        RecordingNamespace namespace = new RecordingNamespace(sockets);
        return recovery == null ? namespace : namespace.withRecovery(recovery);
    }

    private RedisCommands<String, String> admin() {
        if (adminConnection == null) {
            adminClient = RedisClient.create(REDIS);
            adminConnection = adminClient.connect();
        }
        return adminConnection.sync();
    }

    private String lastEntryId() {
        return admin().xrevrange(stream, Range.create("-", "+"), Limit.from(1)).get(0).getId();
    }


    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }
}
