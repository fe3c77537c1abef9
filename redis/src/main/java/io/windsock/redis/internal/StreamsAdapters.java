package io.windsock.redis.internal;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.AdapterNamespace;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one factory's streams adapters share: the connections, and one {@link StreamReader} per stream in use,
 * opened with the first namespace on it and kept until the factory closes (Node's adapter reads every stream
 * from the start; a namespace made and removed again does not open and close a connection each time).
 */
public final class StreamsAdapters {
    /** Node's blockTimeInMs. */
    private static final Duration BLOCK_TIME = Duration.ofSeconds(5);

    private final RedisConnections redis;
    private final ClusterCodec codec;
    private final StreamsSettings settings;
    private final Duration requestTimeout;
    private final Map<String, StreamReader> readers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public StreamsAdapters(RedisConnections redis, ClusterCodec codec, StreamsSettings settings, Duration requestTimeout) {
        this.redis = redis;
        this.codec = codec;
        this.settings = settings;
        this.requestTimeout = requestTimeout;
    }

    /** Never throws for a closed factory: the namespace then serves its own sockets, as during an outage. */
    public Adapter create(AdapterNamespace namespace) {
        // A read waits for entries at most half the request timeout, which is the command timeout of a client
        // the factory makes: a read that finds nothing must end before it.
        Duration block = requestTimeout.dividedBy(2).compareTo(BLOCK_TIME) < 0 ? requestTimeout.dividedBy(2) : BLOCK_TIME;
        StreamReader reader = readers.computeIfAbsent(settings.streamOf(namespace.name()),
                name -> new StreamReader(redis, name, block));
        if (closed) { // closing meanwhile: close() may not have seen this reader
            reader.close();
        }
        return new StreamsRedisAdapter(namespace, redis, codec, reader, settings, requestTimeout);
    }

    /** Stops the readers and closes their connections; returns at once. */
    public CompletionStage<Void> close() {
        closed = true;
        return CompletableFuture.allOf(readers.values().stream()
                .map(reader -> reader.close().toCompletableFuture()).toArray(CompletableFuture[]::new));
    }
}
