package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a broadcast with acks learns that it is complete: from the adapter's node count, which a cluster
 * adapter gets from its broker. Here an in-memory adapter stands for one node of a larger cluster.
 */
class BroadcastAckCountTest {
    /** What the adapter answers to serverCount(). */
    private volatile CompletionStage<Integer> count = CompletableFuture.completedFuture(1);
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

    @Test
    void aZeroTimeoutWithNobodySelectedCompletesWithNoAck() throws Exception {
        letTheTimerRunFirst = true;
        client();
        assertEquals(List.of(), main.to("nobody").timeout(Duration.ZERO).emitWithAck("q").get(5, TimeUnit.SECONDS));
    }
}
