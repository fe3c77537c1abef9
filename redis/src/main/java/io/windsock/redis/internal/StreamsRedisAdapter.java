package io.windsock.redis.internal;

import io.lettuce.core.XAddArgs;
import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.PersistedSession;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.ConnectionStateRecovery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The adapter of one namespace on Redis streams, as {@code @socket.io/redis-streams-adapter} 0.3: what every
 * node must see in order (broadcasts without acks, rooms joined and left, disconnections) is added to the
 * namespace's stream ({@code XADD ... MAXLEN ~}) and read back by every node ({@link StreamReader}); what
 * waits for answers (broadcasts with acks, server-side events, fetchSockets) and the answers go over pub/sub
 * as msgpack, on the namespace channel and the requester's own. The server count is {@code PUBSUB
 * (SHARD)NUMSUB} of the namespace channel.
 *
 * <p>With connection state recovery, the stream is the log of events: a broadcast recovery stores reaches
 * this node's sockets once Redis gave its entry an id, which is its offset, and the sessions of sockets that
 * left are kept in Redis ({@link StreamSessions}), so that a client recovers on any node, Node's or Java's.
 */
public final class StreamsRedisAdapter extends ClusterAdapter {
    private static final Logger log = Loggers.REDIS;

    private final RedisConnections redis;
    private final StreamReader reader;
    private final StreamsSettings settings;
    private final String channel;
    private final String responseChannel;
    private final RedisConnections.Listener listener;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final StreamSessions sessions;

    public StreamsRedisAdapter(AdapterNamespace namespace, RedisConnections redis, ClusterCodec codec,
                               StreamReader reader, StreamsSettings settings, Duration requestTimeout) {
        super(namespace, codec, requestTimeout, false);
        this.redis = redis;
        this.reader = reader;
        this.settings = settings;
        this.channel = settings.channelPrefix() + "#" + namespace.name() + "#";
        this.responseChannel = channel + uid() + "#";
        this.listener = (fromChannel, bytes) -> onPubSub(fromChannel, bytes, responseChannel);
        ConnectionStateRecovery recovery = namespace.recovery();
        this.sessions = recovery == null ? null : new StreamSessions(redis, codec, reader.name(), namespace.name(),
                settings.sessionKeyPrefix(), recovery.maxDisconnectionDuration());
    }

    /**
     * Starts reading the stream and subscribing without waiting; {@link #ready()} completes once both are in
     * place, or after the request timeout (logged: the namespace then serves its own sockets).
     */
    @Override
    public void init() {
        reader.add(namespace.name(), this);
        List<String> channels = List.of(channel, responseChannel);
        CompletionStage<Void> subscribed = settings.shardedPubSub()
                ? redis.ssubscribe(channels, listener)
                : redis.subscribe(channels, null, listener, null);
        subscribed.toCompletableFuture().thenCombine(reader.started().toCompletableFuture(), (a, b) -> null)
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, error) -> {
                    if (error != null) {
                        log.warn("reading the stream or subscribing for namespace {} not confirmed ({}); serving it anyway",
                                namespace.name(), error.toString());
                    }
                    ready.complete(null);
                });
    }

    @Override
    public CompletionStage<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        if (isClosed()) {
            return;
        }
        super.close();
        reader.remove(namespace.name(), this);
        List<String> channels = List.of(channel, responseChannel);
        if (settings.shardedPubSub()) {
            redis.sunsubscribe(channels, listener);
        } else {
            redis.unsubscribe(channels, null, listener, null);
        }
        ready.complete(null);
    }

    /** Node's isEphemeral: what waits for answers goes over pub/sub, everything else into the stream. */
    static boolean isEphemeral(ClusterMessage message) {
        return switch (message.type()) {
            case BROADCAST -> message.requestId() != null;
            case SERVER_SIDE_EMIT, FETCH_SOCKETS -> true;
            default -> false;
        };
    }

    /** @return for a message added to the stream, its entry's id */
    @Override
    protected CompletionStage<?> publish(ClusterMessage message) {
        if (isEphemeral(message)) {
            return pubsub(channel, codec.encodeMsgpack(message));
        }
        Map<byte[], byte[]> fields = StreamEntries.encode(codec, message);
        byte[] key = reader.name().getBytes(StandardCharsets.UTF_8);
        XAddArgs trim = XAddArgs.Builder.maxlen(settings.maxStreamLength()).approximateTrimming();
        return redis.send(reader.name(), true, c -> c.xadd(key, trim, fields));
    }

    @Override
    protected CompletionStage<?> publishResponse(String requesterUid, ClusterMessage response) {
        return pubsub(channel + requesterUid + "#", codec.encodeMsgpack(response));
    }

    private CompletionStage<Long> pubsub(String to, byte[] payload) {
        return settings.shardedPubSub() ? redis.spublish(to, payload) : redis.publish(to, payload);
    }

    /**
     * With recovery, a stored broadcast waits for its entry's id and reaches this node's sockets with it (as
     * Node's adapter does); one Redis did not take reaches them without an offset (Node's drops it: here local
     * delivery goes on during an outage, as with the other adapters).
     */
    @Override
    protected void publishBroadcast(SocketPacket packet, BroadcastOptions options, ClusterMessage message) {
        if (sessions == null || !isStoredForRecovery(packet, options)) {
            super.publishBroadcast(packet, options, message);
            return;
        }
        sendToOthers(message).whenComplete((id, error) ->
                deliver(packet, error == null && id instanceof String offset ? offset : null, options));
    }

    /**
     * @return the nodes subscribed to this namespace's channel, this one included: also before Redis confirmed
     *     its subscription, when the count does not hold it yet
     */
    @Override
    public CompletionStage<Integer> serverCount() {
        if (settings.shardedPubSub()) {
            boolean counted = redis.shardSubscribed(channel);
            return redis.shardNumsub(channel).thenApply(n -> (int) (counted ? n : n + 1));
        }
        boolean counted = redis.subscribed(channel);
        Duration suspectWait = Collections.min(List.of(Duration.ofSeconds(1), requestTimeout.dividedBy(2)));
        return redis.numsub(channel, suspectWait).thenApply(n -> (int) (counted ? n : n + 1));
    }

    /** An entry of the stream for this namespace (the reader's I/O thread). */
    void onStreamEntry(ClusterMessage message, String id) {
        try {
            onMessage(message, id);
        } catch (IllegalArgumentException e) {
            log.debug("ignoring entry {} of stream {}: {}", id, reader.name(), e.getMessage());
        }
    }

    // ---- connection state recovery ----

    @Override
    public void persistSession(PersistedSession session) {
        if (sessions != null) {
            sessions.persist(session);
        }
    }

    @Override
    public CompletionStage<Optional<PersistedSession>> restoreSession(String pid, String offset) {
        return sessions == null ? CompletableFuture.completedFuture(Optional.empty()) : sessions.take(pid, offset);
    }

    @Override
    public CompletionStage<List<List<Object>>> missedPackets(PersistedSession session, String offset) {
        if (sessions == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection state recovery is off"));
        }
        return sessions.missedAfter(session, offset);
    }
}
