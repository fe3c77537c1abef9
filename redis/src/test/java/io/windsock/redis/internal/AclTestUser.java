package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An ACL user made for one test on the real Redis: a unique name, a random password, every key and command,
 * the channels the test sets. Changed and watched through an admin connection as the URI's user;
 * {@link #close()} deletes it.
 */
final class AclTestUser implements AutoCloseable {
    private final String name = "windsock-test-" + UUID.randomUUID();
    private final String password = UUID.randomUUID().toString();
    private final RedisURI redis;
    private final RedisClient adminClient;
    private final StatefulRedisConnection<String, String> adminConnection;
    private final RedisCommands<String, String> admin;

    AclTestUser(RedisURI redis) {
        this.redis = redis;
        adminClient = RedisClient.create(redis);
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
        admin.aclSetuser(name, AclSetuserArgs.Builder.on().addPassword(password).allKeys().allCommands());
    }

    /** @return the URI authenticating as this user */
    RedisURI uri() {
        return RedisURI.builder(redis).withAuthentication(name, password).build();
    }

    /** @return commands as the URI's user */
    RedisCommands<String, String> admin() {
        return admin;
    }

    /** Changes the user (ACL SETUSER): Redis closes its connections subscribed to what it no longer allows. */
    void set(AclSetuserArgs args) {
        admin.aclSetuser(name, args);
    }

    /** @return how many refusals of a channel or pattern to this user Redis logged (ACL LOG) */
    long refusals(String object) {
        return admin.aclLog(128).stream()
                .filter(entry -> name.equals(String.valueOf(entry.get("username")))
                        && object.equals(String.valueOf(entry.get("object"))))
                .mapToLong(entry -> Long.parseLong(String.valueOf(entry.get("count"))))
                .sum();
    }

    /** @return the user's client connections, one CLIENT LIST line each, split into its fields */
    List<List<String>> clients() {
        return Arrays.stream(admin.clientList().split("\n"))
                .map(line -> Arrays.asList(line.trim().split(" ")))
                .filter(fields -> fields.contains("user=" + name))
                .toList();
    }

    /**
     * @return the ids of the user's client connections, sorted: CLIENT LIST's order is not stable (Redis
     *     rotates its list of clients as it goes through them in the background)
     */
    List<String> clientIds() {
        return clients().stream().map(fields -> fields.get(0)).sorted().toList();
    }

    @Override
    public void close() {
        try {
            admin.aclDeluser(name);
        } finally {
            adminConnection.close();
            adminClient.shutdown();
        }
    }

    /** Polls, paced, until the condition holds; fails after 10 s. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            TimeUnit.MILLISECONDS.sleep(10); // polling Redis's state, paced
        }
    }
}
