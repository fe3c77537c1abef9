package io.windsock.examples.chat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nicknames shared by every chat node on one Redis. A claim is {@code SET key owner NX PX ttl}: Redis
 * runs it atomically, so of two nodes racing for a name exactly one gets it. While its owner is
 * connected the name's expiry is pushed back every third of the TTL; a disconnect deletes it (only if
 * the owner still holds it: compare-and-delete in one script). A node that crashes deletes nothing,
 * and its names expire within one TTL.
 *
 * <p>Why Redis and not the adapter: asking the other nodes ({@code fetchSockets}, or
 * {@code serverSideEmit} with acks) is check-then-act, so two nodes asked at once both hear "free"
 * and both accept; making that safe needs a vote among the nodes, and a node that does not answer
 * blocks every login until the request times out. One atomic command on the store all nodes already
 * share has neither problem.
 *
 * <p>Threads: {@link #claim}, {@link #owner} and {@link #release} block for one Redis round trip (at
 * most the command timeout); one daemon thread schedules the refreshes, which do not block it.
 */
final class RedisNicknames implements Nicknames {
    private static final Logger log = LoggerFactory.getLogger(RedisNicknames.class);
    static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    /** Deletes KEYS[1] only while it still holds ARGV[1]: a late release never frees a name someone else took since. */
    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    /** Extends KEYS[1] by ARGV[2] ms only while it still holds ARGV[1]. */
    private static final String REFRESH =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final long ttlMillis;
    /** Redis key to owner, for the names this process holds: what the refresher extends. One per connection. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Connects at once.
     *
     * @param prefix keys are {@code <prefix>:nick:<nickname key>}
     * @throws RedisException when Redis cannot be reached
     */
    RedisNicknames(String uri, String prefix, Duration ttl) {
        this.prefix = prefix + ":nick:";
        this.ttlMillis = ttl.toMillis();
        Duration timeout = Duration.ofSeconds(2);
        client = RedisClient.create();
        // Fail at once while Redis is away (the user gets "try again") instead of queueing commands.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(1_000)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            connection = client.connect(RedisURI.create(uri));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        redis = connection.sync();
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chat-nickname-refresh");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, ttlMillis / 3);
        refresher.scheduleAtFixedRate(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {  // an exception would cancel every later refresh
                log.warn("nickname refresh failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean claim(String key, String owner) {
        String redisKey = prefix + key;
        try {
            if (!"OK".equals(redis.set(redisKey, owner, SetArgs.Builder.nx().px(ttlMillis)))) {
                return false;
            }
        } catch (RedisException e) {
            // The SET may have reached Redis before the answer was lost: undo it, or the name stays
            // taken by nobody until it expires.
            connection.async().eval(RELEASE, ScriptOutputType.INTEGER, new String[] {redisKey}, owner);
            throw new UnavailableException(e);
        }
        held.put(redisKey, owner);
        return true;
    }

    @Override
    public String owner(String key) {
        try {
            return redis.get(prefix + key);
        } catch (RedisException e) {
            throw new UnavailableException(e);
        }
    }

    @Override
    public void release(String key, String owner) {
        String redisKey = prefix + key;
        if (held.remove(redisKey, owner)) {
            try {
                redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {redisKey}, owner);
            } catch (RedisException e) {
                log.warn("could not release nickname {}; it expires within {} ms", key, ttlMillis, e);
            }
        }
    }

    /**
     * Extends every name still held; drops the ones another owner took meanwhile (after an outage
     * longer than the TTL).
     *
     * @return completes when every answer is in
     */
    CompletableFuture<Void> refresh() {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        held.forEach((redisKey, owner) -> answers.add(connection.async()
                .eval(REFRESH, ScriptOutputType.INTEGER, new String[] {redisKey}, owner, Long.toString(ttlMillis))
                .handle((extended, failure) -> {
                    if (failure != null) {
                        log.debug("nickname refresh failed (retried in {} ms): {}", ttlMillis / 3, failure.toString());
                    } else if (!Long.valueOf(1).equals(extended) && held.remove(redisKey, owner)) {
                        log.warn("nickname {} was lost: it expired (Redis unreachable for longer than its TTL?) and was taken again",
                                redisKey.substring(prefix.length()));
                    }
                    return null;
                })
                .toCompletableFuture()));
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    /** @return how many names this process holds */
    int heldCount() {
        return held.size();
    }

    /** Stops refreshing, releases what is still held (best effort), disconnects. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        refresher.shutdownNow();
        held.forEach((redisKey, owner) -> {
            try {
                redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {redisKey}, owner);
            } catch (RedisException e) {
                // they expire within the TTL
            }
        });
        held.clear();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
