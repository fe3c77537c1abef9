package io.windsock.redis.internal;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.PersistedSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Connection state recovery on a Redis stream, as {@code @socket.io/redis-streams-adapter} 0.3 does it, so
 * that a session kept by one node (Java or Node) is recovered on any other: a session is kept under {@code
 * <sessionKeyPrefix><pid>} as the base64 of its msgpack ({@code {sid, pid, rooms, data}}), for the recovery
 * window ({@code SET ... PX}); recovering takes it ({@code GETDEL}, Redis 6.2) once the client's offset is an
 * entry still in the stream, then reads the stream after that entry for the broadcasts the session's rooms
 * select.
 */
final class StreamSessions {
    private static final Logger log = Loggers.REDIS;
    private static final Pattern OFFSET = Pattern.compile("[0-9]+-[0-9]+");
    /** Entries read per XRANGE while collecting missed events. */
    static final int RANGE_COUNT = 1_000;
    /**
     * XRANGE calls per recovery at most (Node's limit too): entries added faster than they are read could
     * otherwise keep a recovery reading for ever.
     */
    private static final int MAX_RANGE_CALLS = 100;

    private final RedisConnections redis;
    private final ClusterCodec codec;
    private final String stream;
    private final byte[] streamKey;
    private final String namespace;
    private final String keyPrefix;
    private final Duration window;
    /** During an outage every disconnection and reconnection fails: one line per 10 s, counting them. */
    private final LogThrottle persistFailures = new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private final LogThrottle restoreFailures = new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

    StreamSessions(RedisConnections redis, ClusterCodec codec, String stream, String namespace, String keyPrefix,
                   Duration window) {
        this.redis = redis;
        this.codec = codec;
        this.stream = stream;
        this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
        this.namespace = namespace;
        this.keyPrefix = keyPrefix;
        this.window = window;
    }

    /** Keeps a session for the recovery window; one that cannot be kept (Redis is away) is logged. */
    void persist(PersistedSession session) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sid", session.sid());
        value.put("pid", session.pid());
        value.put("rooms", List.copyOf(session.rooms()));
        value.put("data", session.data());
        byte[] encoded;
        try {
            encoded = Base64.getEncoder().encode(codec.msgpackOf(value));
        } catch (IllegalArgumentException e) {
            log.warn("the session of socket {} in {} cannot be kept for recovery: {}", session.sid(), namespace,
                    e.getMessage());
            return;
        }
        String key = keyPrefix + session.pid();
        SetArgs expiry = SetArgs.Builder.px(Math.max(1, window.toMillis()));
        redis.send(key, false, c -> c.set(bytes(key), encoded, expiry)).whenComplete((ok, error) -> {
            long failures = error == null ? 0 : persistFailures.count();
            if (failures > 0) {
                log.warn("{} session(s) in {} could not be kept in Redis ({}); they cannot be recovered", failures,
                        namespace, error.getMessage());
            }
        });
    }

    /**
     * Takes the session of {@code pid} out of Redis when {@code offset} is an entry of the stream (Node's
     * restoreSession, whose first step this is). Empty when either is missing, when the offset is not an
     * entry id, or when Redis cannot answer: the client then connects afresh.
     */
    CompletionStage<Optional<PersistedSession>> take(String pid, String offset) {
        if (!OFFSET.matcher(offset).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String key = keyPrefix + pid;
        CompletableFuture<byte[]> session = redis.send(key, false, c -> c.getdel(bytes(key))).toCompletableFuture();
        CompletableFuture<List<StreamMessage<byte[], byte[]>>> entry = redis.send(stream, false,
                c -> c.xrange(streamKey, Range.create(offset, offset), Limit.from(1))).toCompletableFuture();
        return session.thenCombine(entry, (raw, found) -> raw == null || found.isEmpty()
                        ? Optional.<PersistedSession>empty() : decode(raw))
                .exceptionally(error -> {
                    long failures = restoreFailures.count();
                    if (failures > 0) {
                        log.warn("{} recover(ies) of a session in {} failed ({}); those clients connect afresh",
                                failures, namespace, error.getMessage());
                    }
                    return Optional.empty();
                });
    }

    private Optional<PersistedSession> decode(byte[] raw) {
        try {
            Map<String, Object> map = Messages.map(WireCodec.decodeMsgpack(Base64.getDecoder().decode(raw)));
            if (!(map.get("sid") instanceof String sid) || !(map.get("pid") instanceof String pid)) {
                return Optional.empty();
            }
            Map<String, Object> data = new LinkedHashMap<>();
            if (map.get("data") instanceof Map<?, ?>) {
                Messages.map(map.get("data")).forEach((name, value) -> {
                    if (value != null) { // a socket's data holds no nulls: a missing entry reads the same
                        data.put(name, value);
                    }
                });
            }
            return Optional.of(new PersistedSession(sid, pid, Messages.rooms(map.get("rooms")), data));
        } catch (RuntimeException e) {
            log.debug("a kept session in {} is malformed; the client connects afresh", namespace, e);
            return Optional.empty();
        }
    }

    /**
     * @return the data of every broadcast of this namespace after {@code offset} that the session's rooms
     *     select (not one with acks, not a volatile one), oldest first, each ending with its entry's id
     */
    CompletionStage<List<List<Object>>> missedAfter(PersistedSession session, String offset) {
        return readAfter(session, offset, new ArrayList<>(), 0).whenComplete((missed, error) -> {
            long failures = error == null ? 0 : restoreFailures.count();
            if (failures > 0) {
                log.warn("{} recover(ies) of a session in {} failed ({}); those clients connect afresh", failures,
                        namespace, error.getMessage());
            }
        });
    }

    private CompletionStage<List<List<Object>>> readAfter(PersistedSession session, String offset,
                                                          List<List<Object>> missed, int calls) {
        Range<String> after = Range.from(Range.Boundary.including(next(offset)), Range.Boundary.unbounded());
        return redis.send(stream, false, c -> c.xrange(streamKey, after, Limit.from(RANGE_COUNT))).thenCompose(entries -> {
            String last = offset;
            for (StreamMessage<byte[], byte[]> entry : entries) {
                last = entry.getId();
                List<Object> data = missedEvent(session, entry);
                if (data != null) {
                    missed.add(data);
                }
            }
            if (entries.size() < RANGE_COUNT || calls + 1 >= MAX_RANGE_CALLS) {
                return CompletableFuture.completedFuture(missed);
            }
            return readAfter(session, last, missed, calls + 1);
        });
    }

    /** @return the event an entry carries for the session, its id appended, or null when it carries none */
    private List<Object> missedEvent(PersistedSession session, StreamMessage<byte[], byte[]> entry) {
        ClusterMessage message;
        try {
            message = StreamEntries.decode(entry.getBody());
        } catch (RuntimeException e) {
            return null;
        }
        if (message == null || message.type() != ClusterMessageType.BROADCAST || !namespace.equals(message.nsp())
                || message.requestId() != null) {
            return null;
        }
        Map<String, Object> packet = Messages.map(message.get("packet"));
        if (!(packet.get("data") instanceof List<?>)) {
            return null;
        }
        BroadcastOptions options;
        try {
            options = Messages.readOptions(message.get("opts"));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (options.volatileFlag() || !options.selects(session.rooms())) {
            return null;
        }
        List<Object> data = new ArrayList<>(Messages.copy(packet.get("data")));
        data.add(entry.getId());
        return data;
    }

    /** @return the id right after an entry's (XRANGE's exclusive start needs Redis 6.2; Node does the same) */
    static String next(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash + 1) + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
