package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.Namespace;
import io.windsock.server.RemoteSocket;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BroadcastAckTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    /**
     * A broadcast's timeout that the test waits out: on the real timer, so long enough that the acks sent
     * before it arrive first even when this thread stalls (a cold JVM loading classes on a busy machine).
     */
    private static final Duration EXPIRES = Duration.ofSeconds(3);

    private SocketLayer layer;
    private Namespace main;
    private final List<Socket> connected = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().build());
        main = layer.server.of("/");
        main.onConnection(connected::add);
    }

    private SocketLayer.TestClient client(String... rooms) {
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        connected.get(connected.size() - 1).join(rooms);
        return client;
    }

    private static long ackIdOf(SocketLayer.TestClient client) {
        List<String> got = client.take();
        assertEquals(1, got.size(), got::toString);
        return Wire.ackId(got.get(0));
    }

    @Test
    void collectsTheFirstArgumentOfEveryRecipientsAck() throws Exception {
        SocketLayer.TestClient a = client("room");
        SocketLayer.TestClient b = client("room");
        SocketLayer.TestClient c = client();
        CompletableFuture<List<Object>> acks = main.to("room").timeout(LONG).emitWithAck("question", 42);
        long idA = ackIdOf(a);
        long idB = ackIdOf(b);
        assertEquals(idA, idB, "encoded once: one ack id for all");
        assertEquals(List.of(), c.take());

        b.send("3" + idB + "[\"from b\",\"ignored second arg\"]");
        assertTrue(!acks.isDone());
        a.send("3" + idA + "[]");
        assertEquals(Arrays.asList("from b", null), acks.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFetchedSocketsAckIsItsFirstArgument() throws Exception {
        SocketLayer.TestClient a = client("room");
        client();
        RemoteSocket remote = main.in("room").fetchSockets().get(5, TimeUnit.SECONDS).get(0);
        CompletableFuture<Object> ack = remote.emitWithAck(LONG, "question", 1);
        long id = ackIdOf(a);
        assertTrue(!ack.isDone());
        a.send("3" + id + "[\"answer\",\"second\"]");
        assertEquals("answer", ack.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFetchedSocketThatDoesNotAnswerTimesOutAndOneThatLeftFailsAtOnce() throws Exception {
        SocketLayer.TestClient a = client("room");
        RemoteSocket remote = main.in("room").fetchSockets().get(5, TimeUnit.SECONDS).get(0);
        CompletableFuture<Object> silent = remote.emitWithAck(EXPIRES, "q");
        ackIdOf(a);
        ExecutionException timedOut = assertThrows(ExecutionException.class, () -> silent.get(10, TimeUnit.SECONDS));
        assertInstanceOf(BroadcastTimeoutException.class, timedOut.getCause());

        connected.get(0).disconnect(true);
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> remote.emitWithAck(LONG, "q").get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, gone.getCause());
        assertTrue(gone.getCause().getMessage().contains(remote.id()), gone.getCause().getMessage());
    }

    @Test
    void completesAtOnceWithNoRecipient() throws Exception {
        client();
        assertEquals(List.of(), main.to("empty").timeout(LONG).emitWithAck("q").get(5, TimeUnit.SECONDS));
    }

    @Test
    void timesOutWithTheAcksReceivedSoFarAndDropsLateOnes() throws Exception {
        SocketLayer.TestClient a = client("room");
        SocketLayer.TestClient silent = client("room");
        CompletableFuture<List<Object>> acks = main.to("room").timeout(EXPIRES).emitWithAck("q");
        long id = ackIdOf(a);
        ackIdOf(silent);
        a.send("3" + id + "[\"yes\"]");

        ExecutionException failure = assertThrows(ExecutionException.class, () -> acks.get(10, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failure.getCause());
        assertEquals(List.of("yes"), timeout.responses());
        assertTrue(timeout.getMessage().contains("1 of 2"), timeout.getMessage());

        silent.send("3" + id + "[\"too late\"]"); // dropped: nothing to complete, nothing thrown
        assertEquals(List.of("yes"), timeout.responses());
    }

    @Test
    void aRecipientThatLeavesWithoutAckingCountsAsMissing() {
        SocketLayer.TestClient a = client("room");
        SocketLayer.TestClient leaving = client("room");
        CompletableFuture<List<Object>> acks = main.to("room").timeout(EXPIRES).emitWithAck("q");
        long id = ackIdOf(a);
        ackIdOf(leaving);
        leaving.drop();
        a.send("3" + id + "[1]");
        ExecutionException failure = assertThrows(ExecutionException.class, () -> acks.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(1), assertInstanceOf(BroadcastTimeoutException.class, failure.getCause()).responses());
    }

    @Test
    void needsATimeout() {
        client("room");
        assertThrows(IllegalStateException.class, () -> main.to("room").emitWithAck("q"));
    }

    @Test
    void aTimeoutTooLongToCountIsRefusedBeforeAnythingIsSent() {
        SocketLayer.TestClient a = client("room");
        // As a socket's own emitWithAck: refused where it is given, not thrown once the event went out
        // (a collector then left without its timer and a caller without its future).
        assertThrows(IllegalArgumentException.class,
                () -> main.to("room").timeout(Duration.ofSeconds(Long.MAX_VALUE)).emitWithAck("q"));
        assertEquals(List.of(), a.take(), "nothing sent");
    }

    @Test
    void aSocketsOwnEmitWithAckStillWorksBesideBroadcastAcks() throws Exception {
        SocketLayer.TestClient a = client("room");
        Socket socket = connected.get(0);
        CompletableFuture<List<Object>> own = socket.emitWithAck(LONG, "own");
        long ownId = ackIdOf(a);
        CompletableFuture<List<Object>> broadcast = main.to("room").timeout(LONG).emitWithAck("shared");
        long sharedId = ackIdOf(a);
        assertTrue(ownId != sharedId, "ack ids are unique per namespace");
        a.send("3" + sharedId + "[\"b\"]");
        a.send("3" + ownId + "[\"o\",2]");
        assertEquals(List.of("o", 2), own.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("b"), broadcast.get(5, TimeUnit.SECONDS));
    }

    /** As Node and Socket.emitWithAck: a negative budget (a deadline already past) times out at once. */
    @Test
    void aNegativeTimeoutTimesOutAtOnce() throws Exception {
        SocketLayer.TestClient a = client("room");
        CompletableFuture<List<Object>> acks = main.to("room").timeout(Duration.ofMillis(-5)).emitWithAck("q");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> acks.get(5, TimeUnit.SECONDS));
        assertInstanceOf(BroadcastTimeoutException.class, failed.getCause());
        ackIdOf(a); // the event went out all the same
        assertEquals(List.of(), main.to("empty").timeout(Duration.ofSeconds(-1)).emitWithAck("q")
                .get(5, TimeUnit.SECONDS), "no recipient: done at once");
    }

    @Test
    void aSocketDropsTheRegistrationsOfBroadcastsThatTimedOut() throws Exception {
        client("room");
        SocketImpl socket = (SocketImpl) connected.get(0);
        for (int i = 0; i < 40; i++) {
            CompletableFuture<List<Object>> f = main.to("room").timeout(Duration.ZERO).emitWithAck("q", i);
            assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS)); // timed out, never acked
        }
        main.to("room").timeout(LONG).emitWithAck("last");
        // Swept when the count reached 32 (all but the newest were finished): at most 10 left since.
        assertTrue(socket.pendingAckCount() <= 10, "swept: " + socket.pendingAckCount());
    }
}
