package io.windsock.redis.internal;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Reads one Redis stream for the streams adapters of a factory: {@code XREAD BLOCK} on a connection of its
 * own (a blocking read would hold up every command behind it on the shared one), from the entry that was
 * the stream's last when it started, and hands each entry to the adapter of its namespace, in the stream's
 * order, on the connection's I/O thread.
 *
 * <p>At most {@value #READ_COUNT} entries are read at a time, and the next read starts only once they
 * are handed over: what the reader holds is bounded, and a node that falls behind reads on from where it
 * was (the stream keeps about {@code maxStreamLength} entries). During an outage reads fail at once and are
 * tried again (0.1 s doubling to 5 s); once Redis is back the reader goes on from the last entry it read, so
 * the broadcasts other nodes added meanwhile still arrive, unlike pub/sub, as long as the stream still
 * holds them. Node's streams adapter reads the same way.
 */
final class StreamReader {
    private static final Logger log = Loggers.REDIS;
    static final int READ_COUNT = 100;
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 5_000;

    private final RedisConnections redis;
    private final String name;
    private final byte[] key;
    private final long blockMillis;
    private final Map<String, StreamsRedisAdapter> adapters = new ConcurrentHashMap<>();
    /** Completes once the offset to read from is known (the stream's last entry when the reader started). */
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<StatefulConnection<byte[], byte[]>> connection;
    private volatile boolean closed;
    // Read and written by one read at a time (each read starts from the end of the previous one).
    private String offset;
    private long retryMillis = FIRST_RETRY_MILLIS;
    private boolean failing;

    /**
     * @param blockMillis how long one XREAD waits for entries: shorter than the command timeout of the client,
     *     which would otherwise fail a read that found nothing
     */
    StreamReader(RedisConnections redis, String name, Duration blockTime) {
        this.redis = redis;
        this.name = name;
        this.key = name.getBytes(StandardCharsets.UTF_8);
        this.blockMillis = Math.max(1, blockTime.toMillis());
        this.connection = redis.openReader();
        connection.whenComplete((c, error) -> {
            if (error == null) {
                findStart();
            }
        });
    }

    String name() {
        return name;
    }

    /** @return completes once the reader knows where it starts: an entry added after that reaches the adapters */
    CompletionStage<Void> started() {
        return started;
    }

    void add(String namespace, StreamsRedisAdapter adapter) {
        adapters.put(namespace, adapter);
    }

    void remove(String namespace, StreamsRedisAdapter adapter) {
        adapters.remove(namespace, adapter);
    }

    /** Stops reading and closes the reader's connection; returns at once. */
    CompletionStage<Void> close() {
        closed = true;
        started.complete(null);
        return connection.thenCompose(StatefulConnection::closeAsync).exceptionally(e -> null);
    }

    private RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return RedisConnections.commandsOf(connection.join());
    }

    /** The stream's last entry (none: "0-0", the start of a stream another node may create). */
    private void findStart() {
        if (closed) {
            return;
        }
        commands().xrevrange(key, Range.unbounded(), Limit.from(1)).whenComplete((last, error) -> {
            if (error != null) {
                failed(error, this::findStart);
                return;
            }
            succeeded();
            offset = last.isEmpty() ? "0-0" : last.get(0).getId();
            started.complete(null);
            read();
        });
    }

    private void read() {
        if (closed) {
            return;
        }
        commands().xread(XReadArgs.Builder.block(blockMillis).count(READ_COUNT), XReadArgs.StreamOffset.from(key, offset))
                .whenComplete((entries, error) -> {
                    if (error != null) {
                        failed(error, this::read);
                        return;
                    }
                    succeeded();
                    if (entries != null) {
                        entries.forEach(this::handOver);
                    }
                    read();
                });
    }

    private void handOver(StreamMessage<byte[], byte[]> entry) {
        offset = entry.getId();
        ClusterMessage message;
        try {
            message = StreamEntries.decode(entry.getBody());
        } catch (RuntimeException e) {
            log.debug("ignoring a malformed entry {} of stream {}", entry.getId(), name, e);
            return;
        }
        StreamsRedisAdapter adapter = message == null ? null : adapters.get(message.nsp());
        if (adapter != null) {
            adapter.onStreamEntry(message, entry.getId());
        }
    }

    private void succeeded() {
        retryMillis = FIRST_RETRY_MILLIS;
        if (failing) {
            failing = false;
            log.info("reading the Redis stream {} works again", name);
        }
    }

    private void failed(Throwable error, Runnable again) {
        if (closed) {
            return;
        }
        if (!failing) {
            failing = true;
            log.warn("reading the Redis stream {} failed ({}); trying again until it works", name, error.toString());
        }
        long delay = retryMillis;
        retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        redis.scheduler().schedule(again, delay, TimeUnit.MILLISECONDS);
    }
}
