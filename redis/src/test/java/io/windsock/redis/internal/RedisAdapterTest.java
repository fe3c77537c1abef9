package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.redis.RedisAdapterFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving side of broadcasts, fed with messages as the Node adapter publishes them (raw bytes on
 * a real Redis at 127.0.0.1:6379, or {@code -Dwindsock.redis.uri}), each test under its own key prefix.
 */
class RedisAdapterTest {
    private static final String URI = System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379");
    /** notepack.encode(["other1", {type: 2, data: ["ev", 1]}, {rooms: [], except: [], flags: {}}]): no nsp */
    private static final String NO_NSP = "93a66f746865723182a47479706502a46461746192a2657601"
            + "83a5726f6f6d7390a665786365707490a5666c61677380";

    private final String key = "wsu-" + UUID.randomUUID();
    private final Map<String, RecordingSocket> sockets = new ConcurrentHashMap<>();
    private final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    private final RecordingNamespace namespace = new RecordingNamespace(sockets);
    private RedisAdapterFactory factory;
    private RedisAdapter adapter;
    private RedisClient raw;
    private StatefulRedisConnection<byte[], byte[]> publisher;

    @BeforeEach
    void start() throws Exception {
        factory = RedisAdapterFactory.builder().uri(URI).key(key).requestTimeout(Duration.ofSeconds(5)).build();
        adapter = (RedisAdapter) factory.create(namespace);
        adapter.init();
        adapter.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (String id : List.of("s1", "s2")) {
            sockets.put(id, new RecordingSocket(id, () -> adapter, delivered));
            adapter.addAll(id, Set.of(id));
        }
        adapter.addAll("s1", Set.of("r"));
        raw = RedisClient.create(URI);
        publisher = raw.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterEach
    void stop() {
        adapter.close();
        factory.close();
        publisher.close();
        raw.shutdown();
    }

    private void publish(String channel, byte[] message) {
        publisher.sync().publish(channel.getBytes(StandardCharsets.UTF_8), message);
    }

    private byte[] broadcast(String uid, String nsp, Set<String> rooms, String event) {
        return new WireCodec(new com.fasterxml.jackson.databind.ObjectMapper()).msgpack(List.of(uid,
                Messages.packet(List.of(event), nsp), Messages.options(BroadcastOptions.to(rooms), null)));
    }

    private String next() throws InterruptedException {
        String got = delivered.poll(10, TimeUnit.SECONDS);
        if (got == null) {
            throw new AssertionError("nothing delivered within 10 s");
        }
        return got;
    }

    /** A broadcast every node delivers: what was published before it was ignored if it is next. */
    private void expectMarker() throws InterruptedException {
        publish(key + "#/#", broadcast("other", "/", Set.of(), "marker"));
        assertEquals("s1 marker", next());
        assertEquals("s2 marker", next());
        assertNull(delivered.poll());
    }

    @Test
    void aBroadcastWithoutNamespaceIsForTheMainOneAndIsEncodedOnce() throws Exception {
        publish(key + "#/#", HexFormat.of().parseHex(NO_NSP));
        assertEquals(Set.of("s1 ev", "s2 ev"), Set.of(next(), next()));
        assertEquals(1, namespace.encodes.get());
    }

    @Test
    void ignoresItsOwnUidOtherNamespacesUnknownRoomsAndGarbage() throws Exception {
        publish(key + "#/#", broadcast(adapter.uid(), "/", Set.of(), "own"));
        publish(key + "#/#", broadcast("other", "/chat", Set.of(), "other namespace"));
        publish(key + "#/#nowhere#", broadcast("other", "/", Set.of("nowhere"), "unknown room"));
        publish(key + "#/#", new byte[] {(byte) 0x93, 0x01});
        publish(key + "#/#", "not msgpack at all".getBytes(StandardCharsets.UTF_8));
        expectMarker();
        publish(key + "#/#r#", broadcast("other", "/", Set.of("r"), "room"));
        assertEquals("s1 room", next());
        expectMarker();
    }

    @Test
    void malformedRequestsAreIgnored() throws Exception {
        publish(key + "-request#/#", "{\"type\":".getBytes(StandardCharsets.UTF_8));
        publish(key + "-request#/#", "{\"type\":99,\"uid\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        publish(key + "-request#/#", "{\"type\":2,\"uid\":\"x\",\"opts\":7,\"rooms\":\"r\"}"
                .getBytes(StandardCharsets.UTF_8));
        publish(key + "-request#/#", new byte[] {(byte) 0xc1});
        // A valid request after them is still answered: the socket joins.
        publish(key + "-request#/#", "{\"type\":2,\"uid\":\"x\",\"opts\":{\"rooms\":[\"s2\"],\"except\":[]},\"rooms\":[\"joined\"]}"
                .getBytes(StandardCharsets.UTF_8));
        publish(key + "#/#joined#", broadcast("other", "/", Set.of("joined"), "joined"));
        assertEquals("s2 joined", next());
        expectMarker();
    }

    /**
     * Broadcasts and requests that select sockets without options, which Node's adapter fails on: read as
     * "every socket", they reached, moved or disconnected every socket of the namespace. They are dropped.
     */
    @Test
    void broadcastsAndRequestsWithoutOptionsActOnNoSocket() throws Exception {
        WireCodec codec = new WireCodec(new com.fasterxml.jackson.databind.ObjectMapper());
        publish(key + "#/#", codec.msgpack(Arrays.asList("other", Messages.packet(List.of("nil options"), "/"), null)));
        publish(key + "#/#", codec.msgpack(List.of("other", Messages.packet(List.of("no options"), "/"))));
        publish(key + "#/#", codec.msgpack(List.of("other", Messages.packet(List.of("number options"), "/"), 7)));
        for (String request : List.of(
                "{\"type\":4,\"uid\":\"x\",\"opts\":7,\"close\":true}",
                "{\"type\":4,\"uid\":\"x\",\"opts\":\"all\",\"close\":true}",
                "{\"type\":2,\"uid\":\"x\",\"opts\":true,\"rooms\":[\"joined\"]}",
                "{\"type\":3,\"uid\":\"x\",\"opts\":[],\"rooms\":[\"r\"]}",
                "{\"type\":7,\"uid\":\"x\",\"requestId\":\"q1\",\"packet\":{\"type\":2,\"data\":[\"acked\"]}}")) {
            publish(key + "-request#/#", request.getBytes(StandardCharsets.UTF_8));
        }
        expectMarker();
        assertNull(sockets.get("s1").disconnected);
        assertNull(sockets.get("s2").disconnected);
        assertEquals(Set.of("s1", "r"), adapter.socketRooms("s1"));
        assertEquals(Set.of("s2"), adapter.socketRooms("s2"));
    }

    /**
     * Broadcasts and requests whose rooms hold no room name (null, a boolean, an object) or are not a list:
     * Node's adapter selects no socket with them (its rooms are a Set of those values, or it fails on a value
     * that is not iterable). Read as "no rooms", they reached, moved or disconnected every socket.
     */
    @Test
    void selectionsWithoutARoomNameActOnNoSocket() throws Exception {
        publish(key + "#/#", codec().msgpack(List.of("other", Messages.packet(List.of("null room"), "/"),
                Messages.object("rooms", Arrays.asList((Object) null), "except", List.of()))));
        publish(key + "#/#", codec().msgpack(List.of("other", Messages.packet(List.of("true room"), "/"),
                Messages.object("rooms", List.of(true), "except", List.of()))));
        publish(key + "#/#", codec().msgpack(List.of("other", Messages.packet(List.of("object room"), "/"),
                Messages.object("rooms", List.of(Map.of()), "except", List.of()))));
        publish(key + "#/#", codec().msgpack(List.of("other", Messages.packet(List.of("text rooms"), "/"),
                Messages.object("rooms", "xyz", "except", List.of()))));
        for (String request : List.of(
                "{\"type\":4,\"uid\":\"x\",\"opts\":{\"rooms\":[null],\"except\":[]},\"close\":true}",
                "{\"type\":4,\"uid\":\"x\",\"opts\":{\"rooms\":{},\"except\":[]},\"close\":true}",
                "{\"type\":2,\"uid\":\"x\",\"opts\":{\"rooms\":[true],\"except\":[]},\"rooms\":[\"joined\"]}",
                "{\"type\":3,\"uid\":\"x\",\"opts\":{\"rooms\":[{}],\"except\":[]},\"rooms\":[\"r\"]}",
                "{\"type\":7,\"uid\":\"x\",\"requestId\":\"q1\",\"packet\":{\"type\":2,\"data\":[\"acked\"]},"
                        + "\"opts\":{\"rooms\":[null],\"except\":[],\"flags\":{\"timeout\":1000}}}")) {
            publish(key + "-request#/#", request.getBytes(StandardCharsets.UTF_8));
        }
        expectMarker();
        assertNull(sockets.get("s1").disconnected);
        assertNull(sockets.get("s2").disconnected);
        assertEquals(Set.of("s1", "r"), adapter.socketRooms("s1"));
        assertEquals(Set.of("s2"), adapter.socketRooms("s2"));
    }

    private static WireCodec codec() {
        return new WireCodec(new com.fasterxml.jackson.databind.ObjectMapper());
    }

    /**
     * The broadcast channels are subscribed to by pattern ({@code <key>#<nsp>#*}): a namespace whose name holds
     * one of Redis's glob characters must still hear its own channels, and not those of other namespaces. Node's
     * adapter puts the name in the pattern as it is, so its "/chat[1]" hears none of its broadcasts.
     */
    @Test
    void aNamespaceWithGlobCharactersHearsItsOwnChannelsOnly() throws Exception {
        Map<String, RecordingSocket> globSockets = new ConcurrentHashMap<>();
        BlockingQueue<String> globDelivered = new LinkedBlockingQueue<>();
        String name = "/c*h?a[t]\\";
        RedisAdapter glob = RecordingNamespace.startNode(factory, new RecordingNamespace(name, globSockets,
                (eventAndArgs, ack) -> { }));
        try {
            globSockets.put("g1", new RecordingSocket("g1", () -> glob, globDelivered));
            glob.addAll("g1", Set.of("g1", "r"));
            publish(key + "#/chat\\#", broadcast("other", "/chat\\", Set.of(), "other namespace"));
            publish(key + "#" + name + "#", broadcast("other", name, Set.of(), "all"));
            publish(key + "#" + name + "#r#", broadcast("other", name, Set.of("r"), "room"));
            assertEquals("g1 all", globDelivered.poll(10, TimeUnit.SECONDS));
            assertEquals("g1 room", globDelivered.poll(10, TimeUnit.SECONDS));
            expectMarker();
            assertNull(globDelivered.poll());
        } finally {
            glob.close();
        }
    }

    /**
     * A join request naming 20,000 rooms, then a leave request naming them, which Node applies in a few
     * milliseconds each: the node goes on delivering within the marker's wait. Each room used to copy the
     * socket's whole room set, so each request took about 50 s of the thread that reads from Redis, per
     * selected socket.
     */
    @Test
    void aJoinOrLeaveOfManyRoomsTakesTimeInProportion() throws Exception {
        List<String> rooms = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rooms.add("room-" + i);
        }
        publish(key + "-request#/#", codec().json(Messages.object("type", RequestType.REMOTE_JOIN.code(), "uid", "x",
                "opts", Messages.object("rooms", List.of("s1"), "except", List.of()), "rooms", rooms)));
        expectMarker();
        assertEquals(20_002, adapter.socketRooms("s1").size());
        publish(key + "-request#/#", codec().json(Messages.object("type", RequestType.REMOTE_LEAVE.code(), "uid", "x",
                "opts", Messages.object("rooms", List.of("s1"), "except", List.of()), "rooms", rooms)));
        expectMarker();
        assertEquals(Set.of("s1", "r"), adapter.socketRooms("s1"));
    }

    /**
     * A broadcast with acks that the other node's answers complete is forgotten then, not at its timeout
     * (an hour here), which kept it and every ack it collected.
     */
    @Test
    void aBroadcastWithAcksIsForgottenOnceAnswered() throws Exception {
        sockets.clear(); // no local client: the other node's single ack completes it
        java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();
        io.windsock.adapter.BroadcastAckHandler handler = new io.windsock.adapter.BroadcastAckHandler() {
            @Override
            public void onClientCount(int count) {
            }

            @Override
            public void onAck(List<Object> args) {
                acks.incrementAndGet();
            }

            @Override
            public boolean isDone() {
                return acks.get() == 1;
            }
        };
        BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
        byte[] request;
        var listener = raw.connectPubSub(ByteArrayCodec.INSTANCE);
        try {
            listener.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    requests.add(message);
                }
            });
            listener.sync().subscribe((key + "-request#/#").getBytes(StandardCharsets.UTF_8));
            adapter.broadcastWithAck(io.windsock.protocol.SocketPacket.event("/", List.of("ask"),
                    io.windsock.protocol.SocketPacket.NO_ID),
                    new BroadcastOptions(Set.of(), Set.of(), false, true, false, Duration.ofHours(1)), handler);
            request = requests.poll(10, TimeUnit.SECONDS);
        } finally {
            listener.close();
        }
        String id = (String) Messages.map(WireCodec.decode(request)).get("requestId");
        assertEquals(1, adapter.pendingAckRequests());
        publish(key + "-response#/#", codec().json(Messages.object("type", RequestType.BROADCAST_CLIENT_COUNT.code(),
                "requestId", id, "clientCount", 1)));
        publish(key + "-response#/#", codec().msgpack(Messages.object("type", RequestType.BROADCAST_ACK.code(),
                "requestId", id, "packet", "ok")));
        sockets.put("s1", new RecordingSocket("s1", () -> adapter, delivered));
        publish(key + "#/#", broadcast("other", "/", Set.of(), "marker")); // after the answers, on the same connection
        assertEquals("s1 marker", next());
        assertEquals(1, acks.get());
        assertEquals(0, adapter.pendingAckRequests(), "answered: forgotten");
    }

    /**
     * Whoever can publish on the channels: a header declaring a 2 GB bin and 20,000 nested arrays, on
     * the broadcast and the request channels. The node goes on delivering (before, the first made it
     * allocate 2 GB and the second overflowed the stack of Lettuce's reading thread).
     */
    @Test
    void hostileMsgpackIsDroppedAndTheNodeGoesOn() throws Exception {
        byte[] deep = new byte[20_001];
        java.util.Arrays.fill(deep, (byte) 0x91);
        deep[deep.length - 1] = (byte) 0xc0;
        for (String channel : List.of(key + "#/#", key + "-request#/#")) {
            publish(channel, HexFormat.of().parseHex("c67ffffff0"));
            publish(channel, deep);
        }
        expectMarker();
    }
}
