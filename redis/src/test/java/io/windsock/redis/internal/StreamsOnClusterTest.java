package io.windsock.redis.internal;

import static io.windsock.redis.internal.OffsetRecordingSocket.next;
import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.PersistedSession;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.RedisAdapterFactory;
import io.windsock.redis.internal.OffsetRecordingSocket.Delivery;
import io.windsock.server.ConnectionStateRecovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streams adapter on a Redis Cluster of three masters: the stream, each session key and the pub/sub
 * channels live on whichever masters their slots name, the reader's blocking XREAD on its own cluster
 * connection. Two nodes: a broadcast reaches both with its entry's id, a session kept by one is recovered by
 * the other with what it missed, and a request over pub/sub (the server count) sees both.
 */
class StreamsOnClusterTest {
    @RegisterExtension
    static final LocalRedisCluster cluster = new LocalRedisCluster();
    private static final ConnectionStateRecovery RECOVERY = new ConnectionStateRecovery(Duration.ofMinutes(2), true);

    private final String key = "wss-" + UUID.randomUUID();
    private final BlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();
    private final List<RedisAdapterFactory> factories = new ArrayList<>();
    private final List<StreamsRedisAdapter> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(StreamsRedisAdapter::close);
        factories.forEach(RedisAdapterFactory::close);
    }

    @Test
    void broadcastsAndRecoveryAcrossNodes() throws Exception {
        Map<String, LocalSocket> socketsA = new ConcurrentHashMap<>();
        Map<String, LocalSocket> socketsB = new ConcurrentHashMap<>();
        StreamsRedisAdapter nodeA = node(socketsA);
        StreamsRedisAdapter nodeB = node(socketsB);
        socketsB.put("b1", new OffsetRecordingSocket(delivered, "b1"));
        nodeB.addAll("b1", Set.of("b1", "room"));
        assertEquals(2, nodeA.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS));

        nodeA.broadcast(event("first"), BroadcastOptions.to(Set.of("room")));
        Delivery first = next(delivered);
        assertEquals(List.of("first"), first.args());
        assertEquals(true, first.offset() != null && first.offset().matches("[0-9]+-[0-9]+"), first.offset());

        nodeB.delAll("b1");
        socketsB.remove("b1");
        nodeB.persistSession(new PersistedSession("b1", "pid-b1", Set.of("b1", "room"), Map.of("n", 1)));
        nodeA.broadcast(event("missed"), BroadcastOptions.to(Set.of("room")));
        nodeA.broadcast(event("elsewhere"), BroadcastOptions.to(Set.of("other")));

        Optional<PersistedSession> session = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (session.isEmpty() && System.nanoTime() < deadline) { // the SET may still be on its way
            session = nodeA.restoreSession("pid-b1", first.offset()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (session.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(10); // asking Redis again, paced (nothing takes a missing session)
            }
        }
        assertEquals(Optional.of(new PersistedSession("b1", "pid-b1", Set.of("b1", "room"), Map.of("n", 1))), session);
        List<List<Object>> missed = nodeA.missedPackets(session.get(), first.offset()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(1, missed.size(), missed.toString());
        assertEquals("missed", missed.get(0).get(0));
    }

    private StreamsRedisAdapter node(Map<String, LocalSocket> sockets) throws Exception {
        RedisAdapterFactory factory = RedisAdapterFactory.builder().clusterUris(cluster.uris().toArray(String[]::new))
                .key(key).streams().streamName(key + "-stream").sessionKeyPrefix(key + ":session:")
                .requestTimeout(Duration.ofSeconds(5)).build();
        factories.add(factory);
        StreamsRedisAdapter node = startNode(factory, new RecordingNamespace(sockets).withRecovery(RECOVERY));
        nodes.add(node);
        return node;
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }
}
