package io.windsock.redis.internal;

import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisURI;
import io.windsock.adapter.Adapter;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.adapter.SocketDetails;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request made before Redis confirmed the node's own subscription: PUBSUB (SHARD)NUMSUB does not count
 * the node yet, so "the count minus this node" waited for one answer too few (none, with one other node)
 * and completed without the other node's. Node B is on the real Redis at 127.0.0.1:6379 (or
 * {@code -Dwindsock.redis.uri}); node A reaches it through a forwarder that holds A's subscriptions.
 */
class RequestBeforeSubscribedTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));

    private final String key = "wsb-" + UUID.randomUUID();
    private int port;
    private TcpForwarder forwarder;
    private RedisAdapterFactory factoryA;
    private RedisAdapterFactory factoryB;
    private Adapter nodeA;
    private Adapter nodeB;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        forwarder = new TcpForwarder(port, REDIS.getHost(), REDIS.getPort());
    }

    @AfterEach
    void stop() throws Exception {
        forwarder.release();
        for (Adapter node : new Adapter[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        for (RedisAdapterFactory factory : new RedisAdapterFactory[] {factoryA, factoryB}) {
            if (factory != null) {
                factory.close();
            }
        }
        forwarder.close();
    }

    @Test
    void aRequestOfThePlainAdapterMadeBeforeItIsSubscribedWaitsForEveryOtherNode() throws Exception {
        requestBeforeSubscribed(null);
    }

    @Test
    void aRequestOfTheShardedAdapterMadeBeforeItIsSubscribedWaitsForEveryOtherNode() throws Exception {
        requestBeforeSubscribed(SubscriptionMode.DYNAMIC);
    }

    /** @param sharded the sharded adapter's mode, or null for the plain adapter */
    private void requestBeforeSubscribed(SubscriptionMode sharded) throws Exception {
        factoryB = factory(REDIS, sharded);
        nodeB = startNode(factoryB, new RecordingNamespace(Map.of("b1", socket("b1", () -> (InMemoryAdapter) nodeB)),
                (eventAndArgs, ack) -> ack.send("pong from B")));
        ((InMemoryAdapter) nodeB).addAll("b1", Set.of("b1"));

        factoryA = factory(RedisURI.builder(REDIS).withHost("127.0.0.1").withPort(port).build(), sharded);
        factoryA.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        forwarder.holdFrom("SUBSCRIBE"); // SSUBSCRIBE too: A's subscriptions do not reach Redis until released
        nodeA = factoryA.create(new RecordingNamespace(Map.of("a1", socket("a1", () -> (InMemoryAdapter) nodeA))));
        ((InMemoryAdapter) nodeA).addAll("a1", Set.of("a1"));
        nodeA.init();

        CompletableFuture<List<SocketDetails>> fetched = nodeA.fetchSockets(BroadcastOptions.ALL).toCompletableFuture();
        CompletableFuture<List<Object>> acks = nodeA.serverSideEmitWithAck(List.of("ping"), Duration.ofSeconds(5))
                .toCompletableFuture();
        // A's publisher answers in order: once this count is back, so is any the requests asked for.
        int countedByA = nodeA.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, nodeB.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS),
                "Redis does not count A yet");
        forwarder.release();

        assertEquals(Set.of("a1", "b1"), fetched.get(10, TimeUnit.SECONDS).stream().map(SocketDetails::id)
                .collect(Collectors.toSet()));
        assertEquals(List.of("pong from B"), acks.get(10, TimeUnit.SECONDS));
        assertEquals(2, countedByA, "A counts itself before Redis does");
        assertEquals(2, nodeB.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(2, nodeA.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    private RedisAdapterFactory factory(RedisURI uri, SubscriptionMode sharded) {
        RedisAdapterFactory.Builder builder = RedisAdapterFactory.builder().uri(uri).key(key)
                .requestTimeout(Duration.ofSeconds(5));
        return (sharded == null ? builder : builder.sharded(sharded)).build();
    }

    private static RecordingSocket socket(String id, Supplier<InMemoryAdapter> adapter) {
        return new RecordingSocket(id, adapter, new ArrayList<>());
    }
}
