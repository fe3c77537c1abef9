package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a broadcast with acks learns that it is complete: from the adapter's node count, which a cluster
 * adapter gets from its broker. Here an in-memory adapter stands for one node of a larger cluster.
 */
class BroadcastAckCountTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    /** What the adapter answers to serverCount(). */
    private volatile CompletionStage<Integer> count = CompletableFuture.completedFuture(2);
    private final AtomicInteger countsAsked = new AtomicInteger();
    /** Whether broadcastWithAck first lets the timer thread run what is due (a timer of zero included). */
    private volatile boolean letTheTimerRunFirst;
    private SocketLayer layer;
    private Namespace main;
    private final List<Socket> connected = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layer = SocketLayer.withAdapters(WindsockOptions.builder().build(), namespace -> new InMemoryAdapter(namespace) {
            @Override
            public CompletionStage<Integer> serverCount() {
                countsAsked.incrementAndGet();
                return count;
            }

            @Override
            public void broadcastWithAck(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler) {
                if (letTheTimerRunFirst) {
                    awaitTheTimerThread();
                }
                super.broadcastWithAck(packet, options, handler);
            }
        });
        main = layer.server.of("/");
        main.onConnection(connected::add);
    }

    /**
     * Waits until the timer thread ran a task of zero delay scheduled now: one scheduled before it
     * with no more delay (a broadcast's timer started too early) has run by then too.
     */
    private static void awaitTheTimerThread() {
        CountDownLatch ran = new CountDownLatch(1);
        Timers.schedule(ran::countDown, Duration.ZERO);
        try {
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the timer thread did not run");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private SocketLayer.TestClient client() {
        SocketLayer.TestClient client = layer.connect("/", null);
        client.take();
        return client;
    }

    private static long ackIdOf(SocketLayer.TestClient client) {
        List<String> got = client.take();
        assertEquals(1, got.size(), got::toString);
        return Wire.ackId(got.get(0));
    }

    @Test
    void aLocalBroadcastWaitsForThisNodesAcksOnlyOnACluster() throws Exception {
        SocketLayer.TestClient a = client();
        CompletableFuture<List<Object>> acks = main.local().timeout(LONG).emitWithAck("q");
        a.send("3" + ackIdOf(a) + "[\"yes\"]");
        assertEquals(List.of("yes"), acks.get(5, TimeUnit.SECONDS));
        assertEquals(0, countsAsked.get(), "a local broadcast does not ask the cluster's node count");
    }

    @Test
    void aLocalBroadcastCompletesWhileTheNodeCountFails() throws Exception {
        count = CompletableFuture.failedFuture(new IllegalStateException("broker away"));
        SocketLayer.TestClient a = client();
        CompletableFuture<List<Object>> acks = main.local().timeout(LONG).emitWithAck("q");
        a.send("3" + ackIdOf(a) + "[\"yes\"]");
        assertEquals(List.of("yes"), acks.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aBroadcastOnTheClusterStillWaitsForEveryNode() {
        SocketLayer.TestClient a = client();
        // Long enough that a slow moment between the emit and the ack does not end it first; it always
        // runs out (the other node never reports), so not longer.
        CompletableFuture<List<Object>> acks = main.timeout(Duration.ofMillis(1500)).emitWithAck("q");
        a.send("3" + ackIdOf(a) + "[\"yes\"]");
        ExecutionException failure = assertThrows(ExecutionException.class, () -> acks.get(5, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failure.getCause());
        assertEquals(List.of("yes"), timeout.responses(), "the other node never reported");
        assertEquals(1, countsAsked.get());
    }

    @Test
    void aFailedNodeCountEndsAtTheTimeoutWithTheAcksReceived() throws Exception {
        CompletableFuture<Integer> failing = new CompletableFuture<>();
        count = failing.thenApply(n -> n); // as a cluster adapter's count: a dependent stage, its failure wrapped
        SocketLayer.TestClient a = client();
        CompletableFuture<List<Object>> acks = main.timeout(Duration.ofSeconds(1)).emitWithAck("q");
        IllegalStateException error = new IllegalStateException("broker away");
        failing.completeExceptionally(error);
        assertFalse(acks.isDone(), "not failed at once: the acks would be lost");
        a.send("3" + ackIdOf(a) + "[\"yes\"]");

        ExecutionException failure = assertThrows(ExecutionException.class, () -> acks.get(5, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failure.getCause());
        assertEquals(List.of("yes"), timeout.responses());
        assertSame(error, timeout.getCause());
        assertTrue(timeout.getMessage().contains("broker away"), timeout.getMessage());
    }

    @Test
    void aZeroTimeoutWithNobodySelectedCompletesWithNoAck() throws Exception {
        count = CompletableFuture.completedFuture(1);
        letTheTimerRunFirst = true;
        client();
        assertEquals(List.of(), main.to("nobody").timeout(Duration.ZERO).emitWithAck("q").get(5, TimeUnit.SECONDS));
    }
}
