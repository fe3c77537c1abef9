package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterFixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.SocketDetails;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.Ack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The cluster adapter's messages against what Node's sharded adapter published for the same calls
 * ({@link ClusterFixtures}): byte for byte both ways, the sharded channel each goes to, and what a
 * node does with each message it receives. No Redis: the transport is a list.
 */
class ClusterAdapterWireTest {
    private static final String NODE_UID = "aaaaaaaaaaaaaaaa";
    private static final String OTHER = "bbbbbbbbbbbbbbbb";

    private final ClusterCodec codec = new ClusterCodec(new ObjectMapper());
    private final Map<String, RecordingSocket> sockets = new ConcurrentHashMap<>();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final List<Object> serverSideEvents = new CopyOnWriteArrayList<>();
    private volatile Object serverSideAnswer = "pong";
    private final Capturing adapter = new Capturing();

    /** The adapter with the list as its transport, and a cluster of two. */
    private final class Capturing extends ClusterAdapter {
        final List<ClusterMessage> published = new CopyOnWriteArrayList<>();
        final List<Map.Entry<String, ClusterMessage>> responses = new CopyOnWriteArrayList<>();

        Capturing() {
            super(new RecordingNamespace(sockets, ClusterAdapterWireTest.this::onServerSideEmit),
                    new ClusterCodec(new ObjectMapper()), Duration.ofSeconds(5));
        }

        @Override
        protected CompletionStage<?> publish(ClusterMessage message) {
            published.add(message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        protected CompletionStage<?> publishResponse(String requesterUid, ClusterMessage response) {
            responses.add(Map.entry(requesterUid, response));
            return CompletableFuture.completedFuture(null);
        }

        /** The nodes serving the namespace, this one included. */
        volatile int nodes = 2;

        @Override
        public CompletionStage<Integer> serverCount() {
            return CompletableFuture.completedFuture(nodes);
        }

        void receive(String fixture) {
            ClusterMessage message = ClusterCodec.decodePubSub(bytes(fixture));
            if (message != null) { // as the transport: an unknown type is dropped before the adapter
                onMessage(message);
            }
        }
    }

    private static byte[] bytes(String fixture) {
        return fixture.startsWith("{") ? fixture.getBytes(StandardCharsets.UTF_8) : HexFormat.of().parseHex(fixture);
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts the encoded message equals the fixture once Node's uid and request id are swapped for ours. */
    private void assertWire(String fixture, String nodeRequestId, ClusterMessage message) {
        byte[] encoded = codec.encodePubSub(message);
        String ours = fixture.startsWith("{") ? new String(encoded, StandardCharsets.UTF_8)
                : HexFormat.of().formatHex(encoded);
        String theirs = fixture;
        if (fixture.startsWith("{")) {
            theirs = theirs.replace(NODE_UID, adapter.uid());
            if (nodeRequestId != null) {
                theirs = theirs.replace(nodeRequestId, message.requestId());
            }
        } else {
            theirs = theirs.replace(hex(NODE_UID), hex(adapter.uid()));
            if (nodeRequestId != null) {
                theirs = theirs.replace(hex(nodeRequestId), hex(message.requestId()));
            }
        }
        assertEquals(theirs, ours);
    }

    private ClusterMessage last() {
        assertEquals(1, adapter.published.size(), "one message published");
        return adapter.published.remove(0);
    }

    private ClusterMessage lastResponse(String to) {
        assertEquals(1, adapter.responses.size(), "one response");
        Map.Entry<String, ClusterMessage> response = adapter.responses.remove(0);
        assertEquals(to, response.getKey());
        return response.getValue();
    }

    private static BroadcastOptions options(List<String> rooms, List<String> except, boolean volatileFlag,
                                            boolean compress, Duration timeout) {
        return new BroadcastOptions(new LinkedHashSet<>(rooms), new LinkedHashSet<>(except), volatileFlag, compress,
                false, timeout);
    }

    private static SocketPacket event(Object... args) {
        return SocketPacket.event("/", new ArrayList<>(Arrays.asList(args)), SocketPacket.NO_ID);
    }

    // ---- what this node sends, byte for byte ----

    @Test
    void broadcastsAreNodesBytes() {
        adapter.broadcast(event("hello", "world", 1, 1.5, true, null, Map.of("a", List.of(1, 2))), BroadcastOptions.ALL);
        assertWire(BROADCAST, null, last());
        adapter.broadcast(event("news", "x"), BroadcastOptions.to(Set.of("room1")));
        assertWire(BROADCAST_ROOM, null, last());
        adapter.broadcast(event("dm", "x"), BroadcastOptions.to(Set.of("abcdefghijklmnopqrst")));
        assertWire(BROADCAST_SOCKET_ROOM, null, last());
        adapter.broadcast(event("ev", 1), options(List.of("r1"), List.of("x"), true, false, null));
        assertWire(BROADCAST_FLAGS, null, last());
        adapter.broadcast(event("ev", new byte[] {1, 2, 3}), BroadcastOptions.to(Set.of("r1")));
        assertWire(BROADCAST_BINARY, null, last());
        adapter.broadcastWithAck(event("ask", 42), options(List.of(), List.of(), false, true, Duration.ofSeconds(1)),
                new NoAcks());
        assertWire(BROADCAST_WITH_ACK, "a1a1a1a1a1a1a1a1", last());
    }

    @Test
    void localBroadcastsAndOperationsAreNotPublished() {
        BroadcastOptions local = new BroadcastOptions(Set.of(), Set.of(), false, true, true, null);
        adapter.broadcast(event("x"), local);
        adapter.addSockets(local, Set.of("r"));
        adapter.disconnectSockets(local, false);
        assertTrue(adapter.published.isEmpty());
    }

    @Test
    void serverSideOperationsAreNodesBytes() {
        adapter.addSockets(BroadcastOptions.to(Set.of("r1")), new LinkedHashSet<>(List.of("r2", "r3")));
        assertWire(SOCKETS_JOIN, null, last());
        adapter.delSockets(options(List.of(), List.of("r1"), false, true, null), Set.of("r2"));
        assertWire(SOCKETS_LEAVE, null, last());
        adapter.disconnectSockets(BroadcastOptions.to(Set.of("r1")), true);
        assertWire(DISCONNECT_SOCKETS, null, last());
        adapter.fetchSockets(BroadcastOptions.to(Set.of("r1")));
        assertWire(FETCH_SOCKETS, "a2a2a2a2a2a2a2a2", last());
        adapter.serverSideEmit(List.of("hi", "there", 2));
        assertWire(SERVER_SIDE_EMIT, null, last());
        adapter.serverSideEmitWithAck(List.of("hi", 1), Duration.ofSeconds(5));
        assertWire(SERVER_SIDE_EMIT_ACK, "a3a3a3a3a3a3a3a3", last());
    }

    @Test
    void heartbeatsAndCloseAreNodesBytes() {
        for (var pair : List.of(Map.entry(ClusterMessageType.INITIAL_HEARTBEAT, INITIAL_HEARTBEAT),
                Map.entry(ClusterMessageType.HEARTBEAT, HEARTBEAT),
                Map.entry(ClusterMessageType.ADAPTER_CLOSE, ADAPTER_CLOSE))) {
            assertEquals(pair.getValue(), new String(codec.encodePubSub(
                    new ClusterMessage(pair.getKey(), NODE_UID, "/", null)), StandardCharsets.UTF_8));
            ClusterMessage decoded = ClusterCodec.decodePubSub(bytes(pair.getValue()));
            assertEquals(new ClusterMessage(pair.getKey(), NODE_UID, "/", null), decoded);
        }
    }

    // ---- what this node answers, byte for byte ----

    private String request(ClusterMessageType type, String data) {
        return "{\"type\":" + type.code() + ",\"data\":" + data + ",\"uid\":\"" + OTHER + "\",\"nsp\":\"/\"}";
    }

    @Test
    void responsesAreNodesBytesToTheRequestersChannel() {
        adapter.receive(request(ClusterMessageType.FETCH_SOCKETS,
                "{\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{}},\"requestId\":\"r7\"}"));
        assertWire(FETCH_SOCKETS_RESPONSE, null, lastResponse(OTHER));

        adapter.receive(request(ClusterMessageType.SERVER_SIDE_EMIT, "{\"requestId\":\"r9\",\"packet\":[\"ping2\",1]}"));
        assertWire(SERVER_SIDE_EMIT_RESPONSE, null, lastResponse(OTHER));
        assertEquals(List.of(List.of("ping2", 1)), serverSideEvents);
        serverSideAnswer = new byte[] {9, 8};
        adapter.receive(request(ClusterMessageType.SERVER_SIDE_EMIT, "{\"requestId\":\"r9b\",\"packet\":[\"bin\",1]}"));
        assertWire(SERVER_SIDE_EMIT_RESPONSE_BINARY, null, lastResponse(OTHER));

        String broadcastWithAck = request(ClusterMessageType.BROADCAST, "{\"packet\":{\"type\":2,\"data\":[\"ask\"]},"
                + "\"requestId\":\"r3\",\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{\"timeout\":1000}}}");
        adapter.receive(broadcastWithAck);
        assertWire(BROADCAST_CLIENT_COUNT, null, lastResponse(OTHER));

        RecordingSocket socket = socket("s1");
        adapter.receive(broadcastWithAck);
        assertEquals(List.of("s1 ask"), delivered);
        assertEquals(1, lastResponse(OTHER).get("clientCount"));
        socket.handler.onAck(List.of("ok"));
        assertWire(BROADCAST_ACK, null, lastResponse(OTHER));
        socket.handler.onAck(List.of(new byte[] {7}));
        assertWire(BROADCAST_ACK_BINARY, null, lastResponse(OTHER));
    }

    // ---- what this node does with Node's messages ----

    private RecordingSocket socket(String id, String... rooms) {
        RecordingSocket socket = new RecordingSocket(id, () -> adapter, delivered);
        sockets.put(id, socket);
        adapter.addAll(id, Set.of(id));
        adapter.addAll(id, Set.of(rooms));
        return socket;
    }

    @Test
    void nodesBroadcastsReachTheSocketsTheySelect() {
        socket("s1", "room1", "r1");
        socket("s2", "r1", "x");
        adapter.receive(BROADCAST);
        adapter.receive(BROADCAST_ROOM);
        adapter.receive(BROADCAST_FLAGS);
        adapter.receive(BROADCAST_BINARY);
        assertEquals(Set.of("s1 hello", "s2 hello", "s1 news", "s1 ev", "s2 ev"), Set.copyOf(delivered));
        assertEquals(6, delivered.size());
        assertTrue(sockets.get("s1").volatileSeen, "the volatile flag arrived");
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) sockets.get("s2").lastArgs.get(1));
        assertTrue(adapter.responses.isEmpty());
    }

    @Test
    void nodesMembershipRequestsApplyLocally() {
        RecordingSocket s1 = socket("s1", "r1");
        RecordingSocket s2 = socket("s2");
        adapter.receive(SOCKETS_JOIN);
        assertEquals(Set.of("s1", "r1", "r2", "r3"), adapter.socketRooms("s1"));
        assertEquals(Set.of("s2"), adapter.socketRooms("s2"));
        adapter.receive(SOCKETS_LEAVE);
        assertEquals(Set.of("s1", "r1", "r2", "r3"), adapter.socketRooms("s1"), "except r1");
        adapter.receive(DISCONNECT_SOCKETS);
        assertEquals(Boolean.TRUE, s1.disconnected);
        assertNull(s2.disconnected);
        assertTrue(adapter.published.isEmpty(), "nothing is sent on");
    }

    /**
     * Messages that select sockets but carry no options (or no data at all), which Node's adapter fails on:
     * read as "every socket", they disconnected, moved or reached every socket of the namespace. They are
     * dropped, and reported to the transport (which counts and logs them).
     */
    @Test
    void messagesWithoutDataOrOptionsActOnNoSocket() {
        RecordingSocket s1 = socket("s1", "r1");
        RecordingSocket s2 = socket("s2");
        List<String> malformed = List.of(
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"close\":true}}",
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":null,\"close\":true}}",
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":7,\"close\":true}}",
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\"}",
                "{\"type\":4,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"rooms\":[\"joined\"]}}",
                "{\"type\":4,\"uid\":\"x\",\"nsp\":\"/\",\"data\":[1]}",
                "{\"type\":5,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":[],\"rooms\":[\"r1\"]}}",
                "{\"type\":3,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"packet\":{\"type\":2,\"data\":[\"ev\"]}}}",
                "{\"type\":3,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"packet\":{\"type\":2,\"data\":[\"ack\"]},"
                        + "\"requestId\":\"q1\",\"opts\":\"all\"}}",
                "{\"type\":7,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"requestId\":\"q2\"}}",
                "{\"type\":9,\"uid\":\"x\",\"nsp\":\"/\",\"data\":[\"ev\"]}");
        for (String message : malformed) {
            assertThrows(IllegalArgumentException.class, () -> adapter.receive(message), message);
        }
        assertNoSocketActedOn(s1, s2);
        assertEquals(List.of(), adapter.responses);
        assertEquals(List.of(), serverSideEvents);
        assertTrue(adapter.published.isEmpty(), "nothing is sent on");
    }

    /** s1 (in r1) and s2 as {@code socket(...)} made them: none left, moved or was sent anything. */
    private void assertNoSocketActedOn(RecordingSocket s1, RecordingSocket s2) {
        assertNull(s1.disconnected);
        assertNull(s2.disconnected);
        assertEquals(Set.of("s1", "r1"), adapter.socketRooms("s1"));
        assertEquals(Set.of("s2"), adapter.socketRooms("s2"));
        assertEquals(List.of(), delivered);
    }

    /**
     * Messages whose rooms hold no room name (null, a boolean, an object) or are not a list: Node's adapter
     * selects no socket with them. Read as "no rooms", they reached, moved or disconnected every socket.
     */
    @Test
    void selectionsWithoutARoomNameActOnNoSocket() {
        RecordingSocket s1 = socket("s1", "r1");
        RecordingSocket s2 = socket("s2");
        List<String> selectingNothing = List.of(
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":{\"rooms\":[null],\"except\":[]},\"close\":true}}",
                "{\"type\":6,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":{\"rooms\":\"xyz\",\"except\":[]},\"close\":true}}",
                "{\"type\":4,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":{\"rooms\":[true],\"except\":[]},\"rooms\":[\"joined\"]}}",
                "{\"type\":5,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":{\"rooms\":[{}],\"except\":[]},\"rooms\":[\"r1\"]}}",
                "{\"type\":3,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"packet\":{\"type\":2,\"data\":[\"ev\"]},"
                        + "\"opts\":{\"rooms\":[null],\"except\":[]}}}",
                "{\"type\":7,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"requestId\":\"q2\",\"opts\":{\"rooms\":[false],\"except\":[]}}}");
        for (String message : selectingNothing) {
            try {
                adapter.receive(message);
            } catch (IllegalArgumentException e) {
                // dropped as malformed: acts on no socket all the same
            }
        }
        assertNoSocketActedOn(s1, s2);
        for (Map.Entry<String, ClusterMessage> response : adapter.responses) {
            assertEquals(List.of(), response.getValue().get("sockets"), "a fetch finds no socket");
        }
    }

    @Test
    void nodesServerSideEventsRunHereAndItsOwnMessagesAndOtherNamespacesAreIgnored() {
        socket("s1");
        adapter.receive(SERVER_SIDE_EMIT);
        assertEquals(List.of(List.of("hi", "there", 2)), serverSideEvents);
        assertTrue(adapter.responses.isEmpty(), "no ack asked");
        adapter.receive(BROADCAST.replace(NODE_UID, adapter.uid()));
        adapter.receive(BROADCAST.replace("\"nsp\":\"/\"", "\"nsp\":\"/other\""));
        adapter.receive(HEARTBEAT);
        adapter.receive("{\"type\":99,\"uid\":\"x\",\"nsp\":\"/\"}");
        assertTrue(delivered.isEmpty());
    }

    @Test
    void answersCompleteThisNodesRequests() throws Exception {
        CompletableFuture<List<Object>> acks = adapter.serverSideEmitWithAck(List.of("hi", 1), Duration.ofSeconds(5))
                .toCompletableFuture();
        String requestId = last().requestId();
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(SERVER_SIDE_EMIT_RESPONSE_BINARY.replace(hex("r9b"),
                hex(requestId.substring(0, 3))))));
        assertTrue(!acks.isDone(), "another request's answer");
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(SERVER_SIDE_EMIT_RESPONSE.replace("r9", requestId))));
        assertEquals(List.of("pong"), acks.get());

        CompletableFuture<List<SocketDetails>> fetched = adapter.fetchSockets(BroadcastOptions.ALL).toCompletableFuture();
        String fetchId = last().requestId();
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(request(ClusterMessageType.FETCH_SOCKETS_RESPONSE,
                "{\"requestId\":\"" + fetchId + "\",\"sockets\":[{\"id\":\"n1\",\"handshake\":{\"headers\":{},"
                        + "\"query\":{\"a\":\"b\"},\"auth\":{}},\"rooms\":[\"n1\",\"room\"],\"data\":{\"k\":1}}]}"))));
        List<SocketDetails> all = fetched.get();
        assertEquals(1, all.size());
        assertEquals("n1", all.get(0).id());
        assertEquals(Set.of("n1", "room"), all.get(0).rooms());
        assertEquals(Map.of("k", 1), all.get(0).data());
    }

    /**
     * A node whose answer arrives twice (it got the request twice, or anyone replays it) is counted once: the
     * answers carry their node's uid. Counted twice, as Node's cluster adapter does, the request completed
     * without the answer of another node (its sockets missing from fetchSockets, its ack from the acks).
     */
    @Test
    void aNodeAnsweringTwiceCountsOnce() throws Exception {
        adapter.nodes = 3;
        CompletableFuture<List<SocketDetails>> fetched = adapter.fetchSockets(BroadcastOptions.ALL).toCompletableFuture();
        String fetchId = last().requestId();
        String fromA = request(ClusterMessageType.FETCH_SOCKETS_RESPONSE, "{\"requestId\":\"" + fetchId
                + "\",\"sockets\":[{\"id\":\"socket-of-A\",\"handshake\":{},\"rooms\":[],\"data\":{}}]}");
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(fromA)));
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(fromA)));
        assertTrue(!fetched.isDone(), "the other node has not answered");
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(fromA.replace(OTHER, NODE_UID).replace("socket-of-A", "socket-of-B"))));
        assertEquals(List.of("socket-of-A", "socket-of-B"), fetched.get().stream().map(SocketDetails::id).toList());

        CompletableFuture<List<Object>> acks = adapter.serverSideEmitWithAck(List.of("hi"), Duration.ofSeconds(5))
                .toCompletableFuture();
        String emitId = last().requestId();
        String pong = SERVER_SIDE_EMIT_RESPONSE.replace("r9", emitId);
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(pong)));
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(pong)));
        assertTrue(!acks.isDone(), "the other node has not answered");
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(pong.replace(NODE_UID, OTHER).replace("pong", "pang"))));
        assertEquals(List.of("pong", "pang"), acks.get());
    }

    @Test
    void broadcastAcksFromOtherNodesReachTheHandler() {
        List<Object> got = new CopyOnWriteArrayList<>();
        adapter.broadcastWithAck(event("ask"), options(List.of(), List.of(), false, true, Duration.ofSeconds(5)),
                new NoAcks() {
                    @Override
                    public void onClientCount(int count) {
                        got.add(count);
                    }

                    @Override
                    public void onAck(List<Object> args) {
                        got.add(args.get(0));
                    }
                });
        String requestId = last().requestId();
        adapter.onMessage(ClusterCodec.decodePubSub(bytes(BROADCAST_CLIENT_COUNT.replace("r3", requestId))));
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(BROADCAST_ACK.replace("r3", requestId))));
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(BROADCAST_ACK.replace("r3", "elsewhere"))));
        assertEquals(List.of(0, 0, "ok"), got); // the local count first (no local socket), then the remote ones
    }

    /**
     * A broadcast with acks is forgotten once it is done, not at its timeout: it holds every ack it collected,
     * and an hour's timeout kept a broadcast answered in milliseconds (and its acks) for the hour.
     */
    @Test
    void aBroadcastWithAcksIsForgottenOnceDoneNotAtItsTimeout() {
        java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();
        adapter.broadcastWithAck(event("ask"), options(List.of(), List.of(), false, true, Duration.ofHours(1)),
                new NoAcks() {
                    @Override
                    public void onAck(List<Object> args) {
                        acks.incrementAndGet();
                    }

                    @Override
                    public boolean isDone() {
                        return acks.get() == 1;
                    }
                });
        String requestId = last().requestId();
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(BROADCAST_CLIENT_COUNT.replace("r3", requestId))));
        assertEquals(1, adapter.pendingAckRequests(), "waiting for its ack");
        adapter.onResponse(ClusterCodec.decodePubSub(bytes(BROADCAST_ACK.replace("r3", requestId))));
        assertEquals(0, adapter.pendingAckRequests(), "done: forgotten");

        // Done by this node's own clients' acks, which do not pass here: forgotten by later registrations.
        for (int i = 0; i < 40; i++) {
            adapter.broadcastWithAck(event("ask"), options(List.of(), List.of(), false, true, Duration.ofHours(1)),
                    new NoAcks() {
                        @Override
                        public boolean isDone() {
                            return true;
                        }
                    });
        }
        assertTrue(adapter.pendingAckRequests() < 32, adapter.pendingAckRequests() + " kept");
    }

    // ---- which sharded channel each message goes to ----

    @Test
    void channelsAreNodes() {
        String base = "socket.io#/#";
        Map<String, String> dynamic = Map.of(BROADCAST, base, BROADCAST_ROOM, base + "room1#",
                BROADCAST_SOCKET_ROOM, base, BROADCAST_FLAGS, base + "r1#", BROADCAST_BINARY, base + "r1#",
                BROADCAST_WITH_ACK, base, SOCKETS_JOIN, base, FETCH_SOCKETS, base);
        dynamic.forEach((fixture, channel) -> {
            ClusterMessage message = ClusterCodec.decodePubSub(bytes(fixture));
            assertEquals(channel, ShardedRedisAdapter.channelOf(base, SubscriptionMode.DYNAMIC, message));
            assertEquals(base, ShardedRedisAdapter.channelOf(base, SubscriptionMode.STATIC, message));
        });
        assertEquals(base + "abcdefghijklmnopqrst#", ShardedRedisAdapter.channelOf(base,
                SubscriptionMode.DYNAMIC_PRIVATE, ClusterCodec.decodePubSub(bytes(BROADCAST_SOCKET_ROOM))));
        assertEquals(base, ShardedRedisAdapter.channelOf(base,
                SubscriptionMode.DYNAMIC_PRIVATE, ClusterCodec.decodePubSub(bytes(BROADCAST_WITH_ACK))));
    }

    // ---- fakes ----

    private void onServerSideEmit(List<Object> eventAndArgs, Ack ack) {
        serverSideEvents.add(eventAndArgs);
        if (ack.requested()) {
            ack.send(serverSideAnswer);
        }
    }

    private static class NoAcks implements BroadcastAckHandler {
        @Override
        public void onClientCount(int count) {
        }

        @Override
        public void onAck(List<Object> args) {
        }

        @Override
        public boolean isDone() {
            return false;
        }
    }
}
