package io.windsock.interop.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis killed and started again under a stream of broadcasts: local delivery never stops, the adapter
 * reconnects and subscribes again by itself, what could not be published is counted, requests fail
 * clearly meanwhile, and broadcasts reach the other node again afterwards. What is lost: the
 * broadcasts published while Redis was away. On the classic adapter and on the sharded one in its dynamic mode,
 * where the ticks to one room travel on that room's own shard channel, which must be subscribed again too.
 */
class RedisRestartTest {
    @RegisterExtension
    final Interop interop = new Interop();
    @RegisterExtension
    final RedisNodes redis = new RedisNodes(interop);

    @ParameterizedTest(name = "sharded: {0}")
    @NullSource
    @EnumSource(value = SubscriptionMode.class, names = "DYNAMIC")
    void survivesARedisRestartUnderLoad(SubscriptionMode sharded) throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            RedisAdapterFactory factoryA = redis.factory(server.uri(), Duration.ofSeconds(1), sharded);
            RedisAdapterFactory factoryB = redis.factory(server.uri(), Duration.ofSeconds(1), sharded);
            Windsock a = interop.server(factoryA, o -> o.ioThreads(2));
            Windsock b = interop.server(factoryB, o -> o.ioThreads(2));
            b.of("/").onServerSideEmit("ping", (args, ack) -> ack.send("pong"));
            Mailbox<Socket> connections = interop.mailbox("connections");
            a.of("/").onConnection(socket -> {
                socket.join("r");
                connections.put(socket);
            });
            b.of("/").onConnection(socket -> {
                socket.join("r");
                connections.put(socket);
            });
            NodeClient client = interop.client();
            Map<String, Object> options = Map.of("transports", List.of("websocket"));
            ClientSocket a1 = client.connect(interop.url(a, "/"), options);
            ClientSocket b1 = client.connect(interop.url(b, "/"), options);
            a1.expectConnect();
            b1.expectConnect();
            connections.take();
            connections.take();

            // A stream of broadcasts to one room from node A, paced so the clients keep up.
            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                while (running.get()) {
                    a.to("r").emit("tick", sent.incrementAndGet());
                    try {
                        Thread.sleep(5); // the pace of the load, not a synchronization
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "tick-producer");
            producer.start();
            try {
                int local = 0; // what a1 (on A) got: every tick, in order, whatever Redis does
                int remote = 0; // what b1 (on B) got: in order, without the ticks published while Redis was away
                while (remote < 20) {
                    remote = nextTick(b1, remote);
                }
                server.kill();
                int killedAt = sent.get();
                // Local delivery goes on without Redis.
                while (local < killedAt + 50) {
                    local = expectNext(a1, local);
                }
                // A request while Redis is away fails clearly instead of hanging.
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> a.of("/").serverSideEmitWithAck(Duration.ofSeconds(1), "ping").get(5, TimeUnit.SECONDS));
                assertNotNull(failed.getCause().getMessage());
                assertTrue(factoryA.unpublishedCount() > 0, "broadcasts during the outage are counted");

                server.restart();
                int restartedAt = sent.get();
                // B subscribed again by itself: A's ticks reach b1 again.
                while (remote <= restartedAt) {
                    remote = nextTick(b1, remote);
                }
                // A's own subscriber (where B's answer arrives) reconnects on its own backoff, which may end
                // after B's: requests work again once it has. Each try waits 2 s; 30 s in all.
                assertEquals(List.of("pong"), pingUntilAnswered(a, TimeUnit.SECONDS.toNanos(30)));
                running.set(false);
                producer.join();
                while (local < sent.get()) {
                    local = expectNext(a1, local);
                }
                while (remote < sent.get()) {
                    remote = nextTick(b1, remote);
                }
            } finally {
                running.set(false);
                producer.join();
            }
        }
    }

    private static List<Object> pingUntilAnswered(Windsock a, long withinNanos) throws Exception {
        long deadline = System.nanoTime() + withinNanos;
        while (true) {
            try {
                return a.of("/").serverSideEmitWithAck(Duration.ofSeconds(2), "ping").get(10, TimeUnit.SECONDS);
            } catch (ExecutionException unanswered) {
                if (System.nanoTime() > deadline) {
                    throw unanswered;
                }
            }
        }
    }

    /** @return the next tick of a client that may have missed some, checked to be later than {@code last} */
    private static int nextTick(ClientSocket socket, int last) {
        int tick = socket.expectEvent("tick").arg(0).asInt();
        assertTrue(tick > last, () -> "tick " + tick + " after " + last + " (a duplicate or out of order)");
        return tick;
    }

    /** @return the next tick of a client that misses none */
    private static int expectNext(ClientSocket socket, int last) {
        int tick = socket.expectEvent("tick").arg(0).asInt();
        assertEquals(last + 1, tick);
        return tick;
    }
}
