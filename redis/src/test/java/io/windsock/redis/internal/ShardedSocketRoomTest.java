package io.windsock.redis.internal;

import static io.windsock.redis.internal.AclTestUser.await;
import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.SubscriptionMode;
import java.time.Duration;
import java.util.ArrayList;
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
 * Broadcasts to one socket in the sharded adapter's "dynamic" mode. The sender keeps a room of 20 characters
 * (a socket id) on the namespace channel and sends any other room on the room's own channel; a socket of a
 * socket.io-client 2.x outside "/" has a longer id ("/chat#" and its connection's id), so a broadcast to it
 * went to a channel its node did not listen to (Node's adapter has the same mismatch). Two nodes on the real
 * Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}), in namespace "/chat".
 */
class ShardedSocketRoomTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));
    private static final String NSP = "/chat";
    /** A socket of a socket.io-client 2.x in /chat: the namespace, "#", and its connection's 20-character id. */
    private static final String OLD_CLIENT = NSP + "#abcdefghijklmnopqrst";
    /** A socket of a current client: 20 characters. */
    private static final String CLIENT = "ABCDEFGHIJKLMNOPQRST";

    private final String key = "wsd-" + UUID.randomUUID();
    private final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    private final Map<String, RecordingSocket> sockets = new ConcurrentHashMap<>();
    private RedisAdapterFactory factoryA;
    private RedisAdapterFactory factoryB;
    private ShardedRedisAdapter nodeA;
    private ShardedRedisAdapter nodeB;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> admin;

    @BeforeEach
    void start() throws Exception {
        factoryA = factory();
        factoryB = factory();
        for (String id : List.of(OLD_CLIENT, CLIENT)) {
            sockets.put(id, new RecordingSocket(id, () -> nodeA, delivered));
        }
        nodeA = startNode(factoryA, new RecordingNamespace(NSP, sockets, (eventAndArgs, ack) -> {
        }));
        nodeB = startNode(factoryB, new RecordingNamespace(NSP, Map.of(), (eventAndArgs, ack) -> {
        }));
        adminClient = RedisClient.create(REDIS);
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
    }

    @AfterEach
    void stop() {
        for (ShardedRedisAdapter node : new ShardedRedisAdapter[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        for (RedisAdapterFactory factory : new RedisAdapterFactory[] {factoryA, factoryB}) {
            if (factory != null) {
                factory.close();
            }
        }
        if (adminConnection != null) {
            adminConnection.close();
            adminClient.shutdown();
        }
    }

    @Test
    void aBroadcastToASocketWhoseIdIsNot20CharactersReachesIt() throws Exception {
        nodeA.addAll(OLD_CLIENT, Set.of(OLD_CLIENT));
        await(() -> shardNumsub(OLD_CLIENT) == 1, "node A listens on the old client's own channel");
        nodeB.broadcast(event("to old client"), BroadcastOptions.to(Set.of(OLD_CLIENT)));
        assertEquals(OLD_CLIENT + " to old client", next());

        // A 20-character id stays on the namespace channel, as the sender sends it there.
        nodeA.addAll(CLIENT, Set.of(CLIENT));
        nodeB.broadcast(event("to client"), BroadcastOptions.to(Set.of(CLIENT)));
        assertEquals(CLIENT + " to client", next());
        assertEquals(0, shardNumsub(CLIENT), "no channel of its own");
        assertNull(delivered.poll());

        nodeA.delAll(OLD_CLIENT);
        await(() -> shardNumsub(OLD_CLIENT) == 0, "the channel left with the socket");
    }

    private RedisAdapterFactory factory() {
        return RedisAdapterFactory.builder().uri(REDIS).key(key).sharded(SubscriptionMode.DYNAMIC)
                .requestTimeout(Duration.ofSeconds(5)).build();
    }

    private long shardNumsub(String room) {
        return admin.pubsubShardNumsub(key + "#" + NSP + "#" + room + "#").values().stream()
                .mapToLong(Long::longValue).sum();
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event(NSP, new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }

    private String next() throws InterruptedException {
        String got = delivered.poll(10, TimeUnit.SECONDS);
        if (got == null) {
            throw new AssertionError("nothing delivered within 10 s");
        }
        return got;
    }
}
