package io.windsock.redis.internal;

import static io.windsock.redis.internal.AclTestUser.await;
import static io.windsock.redis.internal.RecordingNamespace.startNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.RedisAdapterFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain adapter's SUBSCRIBE and PSUBSCRIBE refused when the subscriber comes back from a reconnection are
 * tried again, so that the node hears the namespace once Redis accepts them, without waiting for another
 * reconnection. Two nodes on the real Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}): node A
 * authenticates as an ACL user made for the test, first allowed every channel; node B, as the URI's user,
 * broadcasts and sends requests. Revoking the user's channels makes Redis close node A's subscriber and
 * refuse its channels and pattern (NOPERM, the connection kept open) until they are granted again.
 */
class RedisSubscriptionRetryTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));

    private final String key = "wsp-" + UUID.randomUUID();
    private final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    /** What Redis published on the namespace's channels, seen by a subscriber of the URI's user. */
    private final BlockingQueue<String> published = new LinkedBlockingQueue<>();
    private AclTestUser user;
    private RedisAdapterFactory factoryA;
    private RedisAdapterFactory factoryB;
    private RedisAdapter nodeA;
    private RedisAdapter nodeB;
    private RedisClient observerClient;
    private StatefulRedisPubSubConnection<String, String> observer;

    @BeforeEach
    void start() throws Exception {
        user = new AclTestUser(REDIS);
        user.set(AclSetuserArgs.Builder.allChannels());
        factoryA = factory(user.uri());
        factoryB = factory(REDIS);
        RecordingSocket s1 = new RecordingSocket("s1", () -> nodeA, delivered);
        nodeA = startNode(factoryA, namespace(Map.of("s1", s1)));
        nodeB = startNode(factoryB, namespace(Map.of()));
        nodeA.addAll("s1", Set.of("s1"));
        observerClient = RedisClient.create(REDIS);
        observer = observerClient.connectPubSub();
        observer.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                published.add(channel);
            }
        });
        observer.sync().psubscribe(key + "*");
    }

    @AfterEach
    void stop() {
        try {
            for (RedisAdapter node : new RedisAdapter[] {nodeA, nodeB}) {
                if (node != null) {
                    node.close();
                }
            }
            for (RedisAdapterFactory factory : new RedisAdapterFactory[] {factoryA, factoryB}) {
                if (factory != null) {
                    factory.close();
                }
            }
            if (observer != null) {
                observer.close();
            }
            if (observerClient != null) {
                observerClient.shutdown();
            }
        } finally {
            if (user != null) {
                user.close();
            }
        }
    }

    @Test
    void channelsAndPatternRefusedOnAReconnectionAreTriedAgainOnceAllowed() throws Exception {
        nodeB.broadcast(event("before"), BroadcastOptions.ALL);
        assertEquals("s1 before", next());
        assertEquals(2, serverCount(), "both nodes on the request channel");
        List<String> clientsBefore = user.clientIds();
        assertEquals(2, clientsBefore.size(), "node A's publisher and subscriber: " + clientsBefore);

        user.set(AclSetuserArgs.Builder.resetChannels()); // Redis closes the subscriber of the revoked channels
        await(() -> user.clientIds().size() == 2 && !user.clientIds().equals(clientsBefore),
                "the subscriber reconnected");
        // The reconnection's PSUBSCRIBEs (Lettuce's own and the adapter's) and the adapter's SUBSCRIBE
        await(() -> user.refusals(key + "#/#*") >= 2 && user.refusals(key + "-request#/#") >= 1,
                "the pattern and the request channel refused");
        List<String> clientsAfter = user.clientIds();
        List<String> newClients = new ArrayList<>(clientsAfter);
        newClients.removeAll(clientsBefore);
        assertEquals(1, newClients.size(), "only the subscriber reconnected: " + clientsBefore + " " + clientsAfter);
        String subscriber = newClients.get(0);
        assertEquals(List.of("sub=0", "psub=0"), subscriptions(subscriber), "the subscriber subscribed to nothing");

        // Published while refused: lost to node A (Redis published them before the grant, as the observer saw).
        published.clear();
        nodeB.broadcast(event("refused"), BroadcastOptions.ALL);
        nodeB.serverSideEmit(List.of("refused"));
        assertEquals(Set.of(key + "#/#", key + "-request#/#"), Set.of(nextPublished(), nextPublished()));
        assertEquals(1, serverCount(), "node A off the request channel while refused");

        user.set(AclSetuserArgs.Builder.allChannels()); // granting keeps the connections open
        await(() -> subscriptions(subscriber).equals(List.of("sub=3", "psub=1")),
                "node A's three channels and its pattern subscribed after the grant");
        assertEquals(2, serverCount(), "node A back on the request channel");
        nodeB.broadcast(event("allowed"), BroadcastOptions.ALL);
        assertEquals("s1 allowed", next());
        nodeB.serverSideEmit(List.of("allowed"));
        assertEquals("server-side allowed", next());
        assertEquals(clientsAfter, user.clientIds(), "subscribed on the same connection, not by a reconnection");
        assertNull(delivered.poll());
    }

    private RedisAdapterFactory factory(RedisURI uri) {
        return RedisAdapterFactory.builder().uri(uri).key(key).requestTimeout(Duration.ofSeconds(5)).build();
    }

    private RecordingNamespace namespace(Map<String, RecordingSocket> sockets) {
        return new RecordingNamespace(sockets, (eventAndArgs, ack) -> delivered.add("server-side " + eventAndArgs.get(0)));
    }

    private int serverCount() throws Exception {
        return nodeB.serverCount().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** @return how many channels and patterns a client of the user is subscribed to, as CLIENT LIST says */
    private List<String> subscriptions(String clientId) {
        return user.clients().stream()
                .filter(fields -> fields.get(0).equals(clientId))
                .flatMap(fields -> fields.stream().filter(f -> f.startsWith("sub=") || f.startsWith("psub=")))
                .toList();
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }

    private String next() throws InterruptedException {
        String got = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(got, "nothing delivered within 10 s");
        return got;
    }

    private String nextPublished() throws InterruptedException {
        String got = published.poll(10, TimeUnit.SECONDS);
        assertNotNull(got, "nothing published within 10 s");
        return got;
    }
}
