package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static io.windsock.redis.internal.AclTestUser.await;
import static io.windsock.redis.internal.RecordingNamespace.startNode;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.CommandType;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A room's SSUBSCRIBE that Redis refuses while the subscriber stays connected (an ACL without the room's
 * channel: NOPERM, the connection left open) is tried again while the room lasts, so that the room's
 * broadcasts arrive once Redis accepts it without waiting for a reconnection; and no longer once the
 * room is gone. So is one refused when the subscriber comes back from a reconnection. Two nodes of the
 * sharded adapter on the real Redis at 127.0.0.1:6379 (or {@code -Dwindsock.redis.uri}): node A authenticates as an ACL user made for the test, allowed the
 * namespace's and its response channel (letters and digits after the namespace) but not rooms whose
 * name starts with "_"; node B, as the URI's user, broadcasts.
 */
class ShardedRoomRetryTest {
    private static final RedisURI REDIS = RedisURI.create(System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379"));

    private final String key = "wsr-" + UUID.randomUUID();
    private final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    private AclTestUser user;
    private RedisCommands<String, String> admin;
    private RedisAdapterFactory factoryA;
    private RedisAdapterFactory factoryB;
    private ShardedRedisAdapter nodeA;
    private ShardedRedisAdapter nodeB;

    @BeforeEach
    void start() throws Exception {
        user = new AclTestUser(REDIS);
        admin = user.admin();
        restrictChannels();
        factoryA = factory(user.uri());
        factoryB = factory(REDIS);
        RecordingSocket s1 = new RecordingSocket("s1", () -> nodeA, delivered);
        nodeA = startNode(factoryA, new RecordingNamespace(Map.of("s1", s1)));
        nodeB = startNode(factoryB, new RecordingNamespace(Map.of()));
        nodeA.addAll("s1", Set.of("s1"));
        // The namespace's channel is allowed: a broadcast to everyone reaches s1.
        nodeB.broadcast(event("marker"), BroadcastOptions.ALL);
        assertEquals("s1 marker", next());
    }

    @AfterEach
    void stop() {
        try {
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
        } finally {
            if (user != null) {
                user.close();
            }
        }
    }

    /** The refusal may come back before the adapter has the room in its map (that once dropped the retry). */
    @Test
    void aRoomRefusedWhileConnectedIsSubscribedByTheRetryOnceAllowed() throws Exception {
        nodeA.addAll("s1", Set.of("_room"));
        awaitRefusals("_room", 2); // refused, and refused again by a retry
        nodeB.broadcast(event("refused"), BroadcastOptions.to(Set.of("_room")));
        nodeB.broadcast(event("marker"), BroadcastOptions.ALL);
        assertEquals("s1 marker", next(), "the room's broadcast is lost while its channel is refused");

        List<String> clientsBefore = user.clientIds();
        assertEquals(2, clientsBefore.size(), "node A's publisher and subscriber: " + clientsBefore);
        user.set(AclSetuserArgs.Builder.allChannels()); // granting keeps the connections open

        await(() -> subscribers(channel("_room")) == 1, "the room's channel subscribed after the grant");
        nodeB.broadcast(event("allowed"), BroadcastOptions.to(Set.of("_room")));
        assertEquals("s1 allowed", next());
        assertEquals(clientsBefore, user.clientIds(), "subscribed on the same connection, not by a reconnection");
        assertNull(delivered.poll());
    }

    @Test
    void aRoomLeftWhileRefusedIsNotTriedAgain() throws Exception {
        nodeA.addAll("s1", Set.of("_gone"));
        awaitRefusals("_gone", 2);
        nodeA.del("s1", "_gone");
        user.set(AclSetuserArgs.Builder.allChannels());
        // A room joined after the grant is subscribed on the same connection, after anything sent before.
        nodeA.addAll("s1", Set.of("_kept"));
        await(() -> subscribers(channel("_kept")) == 1, "a room joined after the grant subscribed");
        // Retries came every 0.2-0.4 s when the room was left: a retry that outlived it would have
        // subscribed within this window.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < until) {
            assertEquals(List.of(), admin.pubsubShardChannels(channel("_gone")), "the left room was subscribed");
            assertNull(delivered.poll(50, TimeUnit.MILLISECONDS));
        }
        nodeB.broadcast(event("gone"), BroadcastOptions.to(Set.of("_gone")));
        nodeB.broadcast(event("kept"), BroadcastOptions.to(Set.of("_kept")));
        assertEquals("s1 kept", next());
        assertNull(delivered.poll());
    }

    /**
     * Revoking a channel makes Redis close the subscriber of the user; the reconnection's SSUBSCRIBE of the
     * room is then refused, and is tried again as well (before, the room stayed unsubscribed after the
     * grant until the next reconnection).
     */
    @Test
    void aRoomRefusedOnAReconnectionIsTriedAgainOnceAllowed() throws Exception {
        user.set(AclSetuserArgs.Builder.allChannels());
        nodeA.addAll("s1", Set.of("_room"));
        await(() -> subscribers(channel("_room")) == 1, "the room's channel subscribed while allowed");
        List<String> clientsBefore = user.clientIds();
        restrictChannels(); // Redis closes the connections subscribed to a channel no longer allowed
        await(() -> user.clientIds().size() == 2 && !user.clientIds().equals(clientsBefore),
                "the subscriber reconnected");
        awaitRefusals("_room", 2); // the reconnection's SSUBSCRIBEs (Lettuce's own and the adapter's)
        List<String> clientsAfter = user.clientIds();

        user.set(AclSetuserArgs.Builder.allChannels());
        await(() -> subscribers(channel("_room")) == 1, "the room's channel subscribed after the grant");
        nodeB.broadcast(event("allowed"), BroadcastOptions.to(Set.of("_room")));
        assertEquals("s1 allowed", next());
        assertEquals(clientsAfter, user.clientIds(), "subscribed on the same connection, not by a reconnection");
        assertNull(delivered.poll());
    }

    /**
     * A room's SUNSUBSCRIBE refused while the subscriber stays connected (here an ACL without the command) is
     * tried again until Redis takes it: else node A would go on receiving the room's broadcasts, and being
     * counted for it, until the next reconnection.
     */
    @Test
    void aRoomLeftWhileItsUnsubscriptionIsRefusedIsUnsubscribedOnceAllowed() throws Exception {
        user.set(AclSetuserArgs.Builder.allChannels());
        nodeA.addAll("s1", Set.of("_left"));
        await(() -> subscribers(channel("_left")) == 1, "the room's channel subscribed");
        List<String> clientsBefore = user.clientIds();
        user.set(AclSetuserArgs.Builder.removeCommand(CommandType.SUNSUBSCRIBE));
        nodeA.del("s1", "_left");
        await(() -> user.refusals("sunsubscribe") >= 2, "the unsubscription refused, and refused again by a retry");
        assertEquals(1, subscribers(channel("_left")), "subscribed while the unsubscription is refused");

        user.set(AclSetuserArgs.Builder.addCommand(CommandType.SUNSUBSCRIBE));
        await(() -> subscribers(channel("_left")) == 0, "the room's channel unsubscribed after the grant");
        assertEquals(clientsBefore, user.clientIds(), "on the same connection, not by a reconnection");
        nodeB.broadcast(event("left"), BroadcastOptions.to(Set.of("_left")));
        nodeB.broadcast(event("marker"), BroadcastOptions.ALL);
        assertEquals("s1 marker", next());
        assertNull(delivered.poll());
    }

    private RedisAdapterFactory factory(RedisURI uri) {
        return RedisAdapterFactory.builder().uri(uri).key(key).sharded(SubscriptionMode.DYNAMIC)
                .requestTimeout(Duration.ofSeconds(5)).build();
    }

    /** Allows the test's user the namespace's channel and its response channel, not the rooms starting with "_". */
    private void restrictChannels() {
        user.set(AclSetuserArgs.Builder.resetChannels().channelPattern(key + "#/#")
                .channelPattern(key + "#/#[a-zA-Z0-9]*"));
    }

    private String channel(String room) {
        return key + "#/#" + room + "#";
    }

    private static SocketPacket event(String name) {
        return SocketPacket.event("/", new ArrayList<>(List.of(name)), SocketPacket.NO_ID);
    }

    private String next() throws InterruptedException {
        String got = delivered.poll(10, TimeUnit.SECONDS);
        if (got == null) {
            throw new AssertionError("nothing delivered within 10 s");
        }
        return got;
    }

    private long subscribers(String channel) {
        return admin.pubsubShardNumsub(channel).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until Redis logged at least {@code count} refusals of the room's channel to the test's user. */
    private void awaitRefusals(String room, long count) throws InterruptedException {
        await(() -> user.refusals(channel(room)) >= count,
                count + " refusals of " + room + "'s channel logged by Redis");
    }
}
