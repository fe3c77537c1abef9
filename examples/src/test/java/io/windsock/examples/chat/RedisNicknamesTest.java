package io.windsock.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster's nickname registry against the real Redis on 127.0.0.1:6379 ({@code -Dwindsock.redis.uri}). */
class RedisNicknamesTest {
    private static final String URI = System.getProperty("windsock.redis.uri", "redis://127.0.0.1:6379");
    private static final Duration TTL = Duration.ofSeconds(60);

    private final String prefix = "wst-chat-" + UUID.randomUUID();
    private RedisClient rawClient;
    private StatefulRedisConnection<String, String> rawConnection;
    private RedisCommands<String, String> raw;
    private RedisNicknames nodeA;
    private RedisNicknames nodeB;

    @BeforeEach
    void connect() {
        rawClient = RedisClient.create(URI);
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
        nodeA = new RedisNicknames(URI, prefix, TTL);
        nodeB = new RedisNicknames(URI, prefix, TTL);
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
        List<String> left = raw.keys(prefix + "*");
        if (!left.isEmpty()) {
            raw.del(left.toArray(String[]::new));
        }
        rawConnection.close();
        rawClient.shutdown();
    }

    private String key(String nickname) {
        return prefix + ":nick:" + nickname;
    }

    @Test
    void aNameHasOneOwnerUntilItIsReleased() {
        assertTrue(nodeA.claim("dana", "socket-1"));
        assertFalse(nodeB.claim("dana", "socket-2"));
        assertEquals("socket-1", nodeB.owner("dana"));
        nodeB.release("dana", "socket-2");             // not its owner: nothing happens
        assertEquals("socket-1", raw.get(key("dana")));
        nodeA.release("dana", "socket-1");
        assertNull(nodeB.owner("dana"));
        assertTrue(nodeB.claim("dana", "socket-2"));
        assertEquals(1, nodeB.heldCount());
        assertEquals(0, nodeA.heldCount());
    }

    @Test
    void racingClaimsOnTwoNodesHaveOneWinner() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                String name = "racer" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    RedisNicknames node = t % 2 == 0 ? nodeA : nodeB;
                    String owner = "socket-" + t;
                    claims.add(pool.submit(() -> {
                        start.await();
                        return node.claim(name, owner);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> claim : claims) {
                    winners += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners, name);
            }
            assertEquals(50, nodeA.heldCount() + nodeB.heldCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHeldNameExpiresUnlessItsNodeRefreshesIt() throws Exception {
        assertTrue(nodeA.claim("dana", "socket-1"));
        long ttl = raw.pttl(key("dana"));
        assertTrue(ttl > 0 && ttl <= TTL.toMillis(), "a crashed node's names must expire: pttl " + ttl);

        // As if most of the TTL had run out; 10 s left, so that a slow refresh still finds the name.
        raw.pexpire(key("dana"), 10_000);
        nodeA.refresh().get(10, TimeUnit.SECONDS);
        long extended = raw.pttl(key("dana"));
        assertTrue(extended > 10_000, "the refresh extends the name again: pttl " + extended);
    }

    @Test
    void aNameTakenOverWhileRedisWasAwayIsNotExtendedOrReleased() throws Exception {
        assertTrue(nodeA.claim("dana", "socket-1"));
        raw.set(key("dana"), "socket-9");                 // it expired and someone else took it, no expiry
        nodeA.refresh().get(10, TimeUnit.SECONDS);
        assertEquals(0, nodeA.heldCount());
        assertEquals(-1, raw.pttl(key("dana")), "the refresh must not touch another owner's name");
        nodeA.release("dana", "socket-1");
        assertEquals("socket-9", raw.get(key("dana")));
    }

    @Test
    void closingGivesUpWhatIsStillHeld() {
        assertTrue(nodeA.claim("dana", "socket-1"));
        assertTrue(nodeA.claim("ivan", "socket-2"));
        nodeA.close();
        assertEquals(0, raw.exists(key("dana"), key("ivan")));
        assertTrue(nodeB.claim("dana", "socket-3"));
    }
}
