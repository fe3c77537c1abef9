package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.NodeClient;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

/**
 * Two nodes started while Redis is not there yet: each serves its own sockets meanwhile, counts what it
 * could not publish, and joins the cluster by itself once Redis starts (Lettuce alone gives up on a
 * connection whose first attempt failed).
 */
class RedisStartupTest {
    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(value = SubscriptionMode.class, names = "DYNAMIC")
    void joinsTheClusterWhenRedisStartsLater(SubscriptionMode sharded) throws Exception {
        try (RedisServerProcess server = RedisServerProcess.reserve()) {
            RedisAdapterFactory factoryA = redis.factory(server.uri(), Duration.ofSeconds(1), sharded);
            RedisAdapterFactory factoryB = redis.factory(server.uri(), Duration.ofSeconds(1), sharded);
            Windsock a = interop.server(factoryA, o -> o.ioThreads(2));
            Windsock b = interop.server(factoryB, o -> o.ioThreads(2));
            a.of("/").onConnection(socket -> socket.join("r"));
            b.of("/").onConnection(socket -> socket.join("r"));
            NodeClient client = interop.client();
            Map<String, Object> options = Map.of("transports", List.of("websocket"));

            // Without Redis: each node serves its own sockets, and broadcasts stay local (counted).
            ClientSocket a1 = client.connect(interop.url(a, "/"), options);
            a1.expectConnect();
            a.to("r").emit("tick", 1);
            assertEquals(1, a1.expectEvent("tick").arg(0).asInt());
            assertTrue(factoryA.unpublishedCount() > 0, "a broadcast that could not reach Redis is counted");
            assertFalse(factoryA.connected().toCompletableFuture().isDone());

            server.restart();
            factoryA.connected().toCompletableFuture().get(20, TimeUnit.SECONDS);
            factoryB.connected().toCompletableFuture().get(20, TimeUnit.SECONDS);

            // Both nodes subscribe once connected: A's broadcasts reach a client of B. B confirms a room's
            // subscription (the sharded adapter's, per room) only after the join, so A sends until one arrives.
            ClientSocket b2 = client.connect(interop.url(b, "/"), options);
            b2.expectConnect();
            AtomicInteger sent = new AtomicInteger(1);
            AtomicBoolean running = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                while (running.get()) {
                    a.to("r").emit("tick", sent.incrementAndGet());
                    try {
                        Thread.sleep(20); // the pace of the ticks, not a synchronization
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "tick-producer");
            producer.start();
            int remote;
            try {
                remote = b2.expectEvent("tick").arg(0).asInt();
            } finally {
                running.set(false);
                producer.join();
            }
            while (remote < sent.get()) { // the rest, in order
                int tick = b2.expectEvent("tick").arg(0).asInt();
                assertEquals(remote + 1, tick);
                remote = tick;
            }
            for (int tick = 2; tick <= sent.get(); tick++) { // every one reached the local client
                assertEquals(tick, a1.expectEvent("tick").arg(0).asInt());
            }
            assertEquals(2, a.of("/").fetchSockets().get(10, TimeUnit.SECONDS).size(), "A hears B's answer");
        }
    }
}
