package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acks a client sends that answer nothing the server asked, each compared with socket.io 4.8.4 on the
 * same packets: an ack that matches no pending one is ignored and the connection goes on; one that
 * cannot be decoded, or names a namespace the client never joined, closes the connection.
 */
class HostileAcksTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private SocketLayer layer;
    private final List<Socket> connected = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().build());
        for (String name : List.of("/", "/a")) {
            Namespace namespace = layer.server.of(name);
            namespace.onConnection(socket -> {
                connected.add(socket);
                socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            });
        }
    }

    private SocketLayer.TestClient client() {
        SocketLayer.TestClient client = layer.connect("/", null);
        assertEquals(1, client.take().size(), "the CONNECT reply");
        return client;
    }

    /** Asks the client; returns the ack id it was sent. */
    private static long asked(SocketLayer.TestClient client) {
        List<String> got = client.take();
        assertEquals(1, got.size(), got::toString);
        return Wire.ackId(got.get(0));
    }

    private static void assertStillServed(SocketLayer.TestClient client) {
        assertFalse(client.transport.closed, "the connection stays open");
        client.send("2" + 7 + "[\"echo\",1]");
        assertEquals(List.of("37[1]"), client.take());
    }

    @Test
    void anAckForAnIdNeverSentIsIgnored() throws Exception {
        SocketLayer.TestClient client = client();
        CompletableFuture<List<Object>> pending = connected.get(0).emitWithAck(LONG, "q");
        long id = asked(client);
        client.send("3" + (id + 1) + "[\"stray\"]");
        client.send("3999[\"stray\"]");
        assertFalse(pending.isDone());
        client.send("3" + id + "[\"answer\"]");
        assertEquals(List.of("answer"), pending.get(5, TimeUnit.SECONDS));
        assertStillServed(client);
    }

    @Test
    void onlyTheFirstOfTwoAcksWithOneIdCounts() throws Exception {
        SocketLayer.TestClient client = client();
        CompletableFuture<List<Object>> own = connected.get(0).emitWithAck(LONG, "q");
        long ownId = asked(client);
        CompletableFuture<List<Object>> shared = layer.server.of("/").timeout(LONG).emitWithAck("poll");
        long sharedId = asked(client);
        client.send("3" + ownId + "[\"first\"]");
        client.send("3" + ownId + "[\"second\"]");
        client.send("3" + sharedId + "[\"first\"]");
        client.send("3" + sharedId + "[\"second\"]");
        assertEquals(List.of("first"), own.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("first"), shared.get(5, TimeUnit.SECONDS));
        assertEquals(0, ((SocketImpl) connected.get(0)).pendingAckCount());
        assertStillServed(client);
    }

    @Test
    void anAckInAnotherJoinedNamespaceAnswersNothingThere() throws Exception {
        SocketLayer.TestClient client = client();
        client.send("0/a,");
        assertEquals(1, client.take().size(), "the CONNECT reply of /a");
        CompletableFuture<List<Object>> pending = connected.get(0).emitWithAck(LONG, "q");
        long id = asked(client);
        client.send("3/a," + id + "[\"wrong namespace\"]");
        assertFalse(pending.isDone(), "acks are the socket's own: /a's socket waits for none");
        client.send("3" + id + "[\"right\"]");
        assertEquals(List.of("right"), pending.get(5, TimeUnit.SECONDS));
        assertStillServed(client);
    }

    @Test
    void anEventWhoseAckIdIsStillPendingIsAnsweredAgain() {
        // The ack id is the client's: it is never checked for reuse, as in Node.
        SocketLayer.TestClient client = client();
        client.send("25[\"echo\",1]");
        client.send("25[\"echo\",2]");
        assertEquals(List.of("35[1]", "35[2]"), client.take());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "3/b,0[]", // a namespace the client never joined (Node: "invalid state", the connection closes)
        "3-1[\"x\"]", "3abc[\"x\"]", "3+1[\"x\"]", // no ack id where one is due: the rest is not JSON
        "31{\"a\":1}", "31null", // a payload that is not an array
        "31", // no payload (Node takes it as an ack without arguments; stock clients always send an array)
    })
    void anAckThatCannotBeDecodedOrHasNoSocketClosesTheConnection(String packet) {
        SocketLayer.TestClient client = client();
        client.send(packet);
        assertTrue(client.transport.closed, "closed, as Node closes a connection on such a packet");
    }
}
