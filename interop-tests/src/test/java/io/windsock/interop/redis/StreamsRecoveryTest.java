package io.windsock.interop.redis;

import static io.windsock.interop.redis.StreamsPeers.json;
import static io.windsock.interop.redis.StreamsPeers.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.XTrimArgs;
import io.windsock.interop.ReconnectingClient;
import io.windsock.interop.TcpProxy;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.redis.StreamsPeers.Joined;
import io.windsock.interop.redis.StreamsPeers.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connection state recovery across the nodes of a streams cluster, with the real socket.io-client 4.8 on
 * WebSocket (and, for the first case, long-polling too): a client on node A, through a {@link TcpProxy}, loses its connection abruptly; events are broadcast
 * from both nodes while it is away; it comes back through the proxy, now relayed to node B, which recovers it
 * from the session A left in Redis and the stream: its id, rooms and data, and exactly the events its rooms
 * select, in the stream's order, once each, then live events. Java to Node, Node to Java, Java to Java, and
 * Node to Node (what the Java nodes are held to).
 */
class StreamsRecoveryTest {
    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);
    @RegisterExtension
    final StreamsPeers peers = new StreamsPeers(interop, redis);

    private static final List<String> ALL = List.of();
    private static final List<String> NONE = List.of();

    private Peer peer(String kind) {
        return kind.equals("java") ? peers.java(true) : peers.node(true);
    }

    /** A client of node A through the proxy, in room "r", named "cat", which has received one event. */
    private record Away(TcpProxy proxy, ClientSocket client, String id, String pid, String offset) {
    }

    private Away connectThroughProxy(NodeClient node, Peer a) throws Exception {
        return connectThroughProxy(node, a, Transport.WEBSOCKET);
    }

    private Away connectThroughProxy(NodeClient node, Peer a, Transport transport) throws Exception {
        TcpProxy proxy = new TcpProxy(a.port());
        Map<String, Object> options = ReconnectingClient.options(transport);
        options.put("auth", Map.of("room", "r", "name", "cat"));
        ClientSocket client = node.connect("http://127.0.0.1:" + proxy.port(), options);
        ClientEvent connect = client.expect("connect");
        assertFalse(connect.recovered());
        assertEquals(new Joined(connect.id(), false, Set.of(connect.id(), "r"), Map.of("name", "cat")),
                a.connection());
        // Without an offset (no event received yet) a client cannot recover.
        a.emit(List.of("r"), NONE, "e", "before");
        JsonNode before = client.expectEvent("e").args();
        assertEquals("before", before.get(0).asText());
        return new Away(proxy, client, connect.id(), connect.pid(), offset(before));
    }

    /** Cuts the client's connection and waits until A saw it go and its session is in Redis. */
    private void cut(Away away, Peer a) throws InterruptedException {
        away.proxy().cut();
        String reason = away.client().expectDisconnect();
        assertTrue(Set.of("transport close", "transport error").contains(reason), reason);
        String seen = a.disconnect();
        // Over long-polling, a server finds the client gone at its next ping.
        assertTrue(Set.of("transport close", "transport error", "ping timeout").contains(seen), seen);
        peers.awaitSession(away.pid());
    }

    /**
     * @return the client's next {@code connect}, after the attempts the proxy refused; the events it got before
     *     it go to {@code early}: Node's server writes the missed events before its CONNECT reply (socket.io-client
     *     holds them and emits them before "connect"), Windsock's after it
     */
    private static ClientEvent reconnected(ClientSocket client, List<ClientEvent> early) {
        ClientEvent event;
        while (!"connect".equals((event = client.next()).type())) {
            if (event.type().equals("event")) {
                early.add(event);
            } else {
                assertEquals("connect_error", event.type(), event::toString);
            }
        }
        return event;
    }

    @ParameterizedTest(name = "{0} to {1}, {2}")
    @CsvSource({"java, node, WEBSOCKET", "node, java, WEBSOCKET", "java, java, WEBSOCKET", "node, node, WEBSOCKET",
        "java, node, POLLING", "node, java, POLLING", "java, java, POLLING", "node, node, POLLING"})
    void aClientCutFromOneNodeRecoversOnTheOtherWithTheEventsItMissed(String from, String to, Transport transport)
            throws Exception {
        NodeClient node = interop.client(); // first, so it is stopped before the Node servers
        if (transport == Transport.POLLING) {
            peers.shortPings();
        }
        Peer a = peer(from);
        Peer b = peer(to);
        // A witness on B in the away client's room and in one it is not in: once it got an event, the event is in
        // the stream, and B has read it, so each one is in the stream after the one before.
        ClientSocket witness = node.connect(b.url(), Map.of("transports", List.of("websocket"),
                "auth", Map.of("rooms", List.of("r", "x"))));
        String witnessId = witness.expectConnect();
        assertEquals(Set.of(witnessId, "r", "x"), b.connection().rooms());
        Away away = connectThroughProxy(node, a, transport);
        witness.expectEvent("e");
        try (TcpProxy proxy = away.proxy()) {
            ClientSocket client = away.client();
            cut(away, a);

            List<JsonNode> missed = new ArrayList<>();
            List<String> offsets = new ArrayList<>();
            witnessed(witness, a, ALL, "e", "away", 0, missed, offsets);
            witnessed(witness, b, List.of("r"), "e", "away", 1, missed, offsets);
            witnessed(witness, a, List.of("x"), "e", "x only", 2, null, null);
            // To the client's own room, which only it is in: the broadcast after it, from the same node, is
            // added to the stream after it.
            a.emit(List.of(away.id()), NONE, "e", "away", 3);
            missed.add(json("away", 3));
            offsets.add(null);
            witnessed(witness, a, List.of("r"), "e", "away", 4, missed, offsets);
            witnessed(witness, b, List.of("x"), "e", "x only", 5, null, null);
            witnessed(witness, b, ALL, "e", "away", 6, missed, offsets);

            proxy.retarget(b.port());
            proxy.resume();
            List<ClientEvent> early = new ArrayList<>();
            ClientEvent back = reconnected(client, early);
            assertEquals(away.id(), back.id(), "the same socket id");
            assertTrue(back.recovered(), "the client says it was recovered");
            assertEquals(new Joined(away.id(), true, Set.of(away.id(), "r"), Map.of("name", "cat")), b.connection());

            String last = away.offset();
            for (int i = 0; i < missed.size(); i++) {
                ClientEvent event = i < early.size() ? early.get(i) : client.expectEvent("e");
                assertEquals("e", event.event());
                assertEquals(missed.get(i), ReconnectingClient.withoutOffset(event), "missed event " + i + " of " + missed);
                String offset = offset(event.args());
                if (offsets.get(i) != null) {
                    assertEquals(offsets.get(i), offset, "the entry the witness got it with");
                }
                assertTrue(compare(last, offset) < 0, "offsets in the stream's order: " + last + ", " + offset);
                last = offset;
            }

            // Live events after the replay, from both nodes.
            witnessed(witness, a, List.of("r"), "e", "live", 7, null, null);
            assertEquals(json("live", 7), ReconnectingClient.withoutOffset(client.expectEvent("e")));
            witnessed(witness, b, ALL, "e", "live", 8, null, null);
            assertEquals(json("live", 8), ReconnectingClient.withoutOffset(client.expectEvent("e")));

            client.disconnect(); // before the proxy goes: a clean goodbye, not another cut
            assertEquals("io client disconnect", client.expectDisconnect());
            assertEquals("client namespace disconnect", b.disconnect());
            witness.disconnect();
            assertEquals("io client disconnect", witness.expectDisconnect());
            assertEquals("client namespace disconnect", b.disconnect());
        }
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"java, node", "node, java", "java, java", "node, node"})
    void aClientWhoseOffsetLeftTheStreamConnectsAfresh(String from, String to) throws Exception {
        NodeClient node = interop.client();
        Peer a = peer(from);
        Peer b = peer(to);
        Away away = connectThroughProxy(node, a);
        try (TcpProxy proxy = away.proxy()) {
            cut(away, a);
            // As when the stream is trimmed past the client's offset (MAXLEN): the session is there, the entry not.
            peers.redis().xtrim(peers.stream(), XTrimArgs.Builder.minId(StreamsPeers.nextId(away.offset())));
            proxy.retarget(b.port());
            proxy.resume();
            List<ClientEvent> early = new ArrayList<>();
            expectFresh(away, b, reconnected(away.client(), early));
            assertEquals(List.of(), early);
            assertEquals(0, peers.redis().exists("sio:session:" + away.pid()), "the session was taken all the same");
            goodbye(away.client(), b);
        }
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"java, node", "node, java", "java, java", "node, node"})
    void aClientThatLeftOfItsOwnAccordConnectsAfreshWithItsOldPid(String from, String to) throws Exception {
        NodeClient node = interop.client();
        Peer a = peer(from);
        Peer b = peer(to);
        Away away = connectThroughProxy(node, a);
        try (TcpProxy proxy = away.proxy()) {
            // A client's own goodbye keeps no session; the client still sends its pid and offset when it connects
            // again.
            away.client().disconnect();
            assertEquals("io client disconnect", away.client().expectDisconnect());
            assertEquals("client namespace disconnect", a.disconnect());
            proxy.retarget(b.port());
            away.client().reconnect();
            expectFresh(away, b, away.client().expect("connect"));
            goodbye(away.client(), b);
        }
    }

    /** The client connected to B as a new socket: a new id, its room from its handshake again, nothing replayed. */
    private static void expectFresh(Away away, Peer b, ClientEvent back) {
        assertNotEquals(away.id(), back.id());
        assertFalse(back.recovered());
        assertEquals(new Joined(back.id(), false, Set.of(back.id(), "r"), Map.of("name", "cat")), b.connection());
        b.emit(ALL, NONE, "e", "live");
        ClientEvent live = away.client().expectEvent("e");
        assertEquals(json("live"), ReconnectingClient.withoutOffset(live));
        offset(live.args());
    }

    private static void goodbye(ClientSocket client, Peer b) {
        client.disconnect();
        assertEquals("io client disconnect", client.expectDisconnect());
        assertEquals("client namespace disconnect", b.disconnect());
    }

    /**
     * Broadcasts {@code [word, n]} from {@code from} to {@code to} and waits until the witness got it; adds what
     * the away client should get back, and its offset, to {@code missed} and {@code offsets} when given.
     */
    private static void witnessed(ClientSocket witness, Peer from, List<String> to, String event, String word, int n,
                                  List<JsonNode> missed, List<String> offsets) {
        from.emit(to, NONE, event, word, n);
        ClientEvent seen = witness.expectEvent(event);
        assertEquals(json(word, n), ReconnectingClient.withoutOffset(seen));
        String offset = offset(seen.args());
        if (missed != null) {
            missed.add(json(word, n));
            offsets.add(offset);
        }
    }

    /** Compares two entry ids as Redis orders them. */
    private static int compare(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }
}
