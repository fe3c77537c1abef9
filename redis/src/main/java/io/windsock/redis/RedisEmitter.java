package io.windsock.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.protocol.SocketPacket;
import io.windsock.redis.internal.ConnectRetry;
import io.windsock.redis.internal.Messages;
import io.windsock.redis.internal.OwnedLettuce;
import io.windsock.redis.internal.RequestType;
import io.windsock.redis.internal.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends to the clients of a socket.io cluster (Windsock and Node nodes on the Redis adapter) from a
 * process that serves none, as {@code @socket.io/redis-emitter} 5 does, with its messages (node id
 * {@code "emitter"}): broadcasts, socketsJoin/Leave, disconnectSockets and serverSideEmit without acks.
 * Nothing waits for an answer; each call returns once the message is handed to Lettuce.
 *
 * <pre>{@code
 * try (RedisEmitter emitter = RedisEmitter.builder().uri("redis://127.0.0.1:6379").build()) {
 *     emitter.of("/chat").to("room1").emit("news", item);
 * }
 * }</pre>
 *
 * <p>One connection, opened asynchronously when built. Thread-safe; operators are immutable.
 * {@link #close()} closes the connection (and the client, when the emitter made it).
 */
public final class RedisEmitter implements AutoCloseable {
    static final String UID = "emitter";

    private final RedisClient client;
    private final boolean ownsClient;
    /** Commands the emitter's own client holds at most while waiting for Redis's answers. */
    static final int REQUEST_QUEUE_SIZE = 10_000;

    private final ConnectRetry<StatefulRedisConnection<byte[], byte[]>> connecting;
    private final CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    /** Completes when the first attempt to connect ended, either way: calls made before it wait for it. */
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final WireCodec codec;
    private final String key;
    private final Duration closeTimeout = Duration.ofSeconds(5);

    private RedisEmitter(Builder builder) {
        this.key = builder.key;
        this.codec = new WireCodec(builder.objectMapper);
        this.ownsClient = builder.client == null;
        this.client = ownsClient ? RedisClient.create(OwnedLettuce.resources()) : builder.client;
        if (ownsClient) {
            // As the adapter's own client: fail at once while disconnected, and a bounded queue of commands.
            client.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .requestQueueSize(REQUEST_QUEUE_SIZE)
                    .timeoutOptions(TimeoutOptions.enabled(closeTimeout))
                    .build());
        }
        // Lettuce reconnects a connection that opened once, not one whose first attempt failed.
        RedisURI uri = builder.uri;
        this.connecting = new ConnectRetry<>("emitter to " + uri.toString(),
                () -> client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture(),
                client.getResources().eventExecutorGroup(), () -> firstAttempt.complete(null));
        this.connection = connecting.opened();
        connection.whenComplete((c, error) -> firstAttempt.complete(null));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return an operator on a namespace ({@code "/"} is the main one; a leading slash is added if missing) */
    public Operator of(String namespace) {
        String name = namespace.startsWith("/") ? namespace : "/" + namespace;
        return new Operator(name, Set.of(), Set.of(), false, true);
    }

    /** @return an operator on the main namespace's sockets in these rooms */
    public Operator to(String... rooms) {
        return of("/").to(rooms);
    }

    /** Broadcasts to every client of the main namespace. */
    public CompletionStage<Void> emit(String event, Object... args) {
        return of("/").emit(event, args);
    }

    private CompletionStage<Void> publish(String channel, byte[] message) {
        if (!connection.isDone()) {
            // Until Redis answers, a call fails rather than wait, as it does once connected while Redis is
            // away; one made while the first attempt is on its way waits for that attempt.
            return firstAttempt.thenCompose(ended -> connection.isDone() ? publishConnected(channel, message)
                    : CompletableFuture.failedFuture(new IllegalStateException("Redis has not been reached yet")));
        }
        return publishConnected(channel, message);
    }

    private CompletionStage<Void> publishConnected(String channel, byte[] message) {
        return connection.thenCompose(c -> c.async().publish(channel.getBytes(StandardCharsets.UTF_8), message)
                .toCompletableFuture()).thenApply(receivers -> null);
    }

    /** Closes the connection (and the client if the emitter made it), waiting up to 5 s. */
    @Override
    public void close() {
        connecting.cancel();
        CompletableFuture<Void> closing = connection.thenCompose(c -> c.closeAsync())
                .exceptionally(e -> null)
                .thenCompose(v -> ownsClient ? OwnedLettuce.shutdown(client) : CompletableFuture.completedFuture(null));
        try {
            closing.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort: the connection is being torn down either way
        }
    }

    /** The sockets of one namespace an emit or an operation selects. Immutable; every method is thread-safe. */
    public final class Operator {
        private final String namespace;
        private final Set<String> rooms;
        private final Set<String> except;
        private final boolean volatileFlag;
        private final boolean compress;

        private Operator(String namespace, Set<String> rooms, Set<String> except, boolean volatileFlag,
                         boolean compress) {
            this.namespace = namespace;
            this.rooms = rooms;
            this.except = except;
            this.volatileFlag = volatileFlag;
            this.compress = compress;
        }

        /** @return the sockets in any of these rooms (added to those already selected) */
        public Operator to(String... more) {
            return new Operator(namespace, union(rooms, more), except, volatileFlag, compress);
        }

        /** @return the same sockets minus those in any of these rooms */
        public Operator except(String... more) {
            return new Operator(namespace, rooms, union(except, more), volatileFlag, compress);
        }

        /** @return the same, sent as volatile events (a client that cannot take one now misses it) */
        public Operator volatileEvents() {
            return new Operator(namespace, rooms, except, true, compress);
        }

        /** @return the same, with the compress flag */
        public Operator compress(boolean value) {
            return new Operator(namespace, rooms, except, volatileFlag, value);
        }

        /**
         * Broadcasts an event to the selected clients of every node.
         *
         * @return completes when Redis took the message
         * @throws IllegalArgumentException for a reserved event name or arguments that cannot be encoded
         */
        public CompletionStage<Void> emit(String event, Object... args) {
            if (event == null || SocketPacket.RESERVED_EVENTS.contains(event)) {
                throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
            }
            List<Object> data = new ArrayList<>(args.length + 1);
            data.add(event);
            data.addAll(Arrays.asList(args));
            BroadcastOptions options = new BroadcastOptions(rooms, except, volatileFlag, compress, false, null);
            Map<String, Object> selection = Messages.options(options, null);
            // The emitter's key order: rooms, flags, except.
            Map<String, Object> opts = new LinkedHashMap<>();
            opts.put("rooms", selection.get("rooms"));
            opts.put("flags", selection.get("flags"));
            opts.put("except", selection.get("except"));
            byte[] message = codec.msgpack(Arrays.asList(UID, Messages.packet(data, namespace), opts));
            String channel = key + "#" + namespace + "#" + (rooms.size() == 1 ? rooms.iterator().next() + "#" : "");
            return publish(channel, message);
        }

        /** Makes the selected sockets of every node join rooms. */
        public CompletionStage<Void> socketsJoin(String... newRooms) {
            return request(Messages.object("type", RequestType.REMOTE_JOIN.code(), "opts", selection(),
                    "rooms", List.of(newRooms)));
        }

        /** Makes the selected sockets of every node leave rooms. */
        public CompletionStage<Void> socketsLeave(String... oldRooms) {
            return request(Messages.object("type", RequestType.REMOTE_LEAVE.code(), "opts", selection(),
                    "rooms", List.of(oldRooms)));
        }

        /** Disconnects the selected sockets of every node; with {@code close}, their whole connections. */
        public CompletionStage<Void> disconnectSockets(boolean close) {
            return request(Messages.object("type", RequestType.REMOTE_DISCONNECT.code(), "opts", selection(),
                    "close", close));
        }

        /** Sends a server-side event to every node's namespace (acknowledgements are not possible from here). */
        public CompletionStage<Void> serverSideEmit(String event, Object... args) {
            List<Object> data = new ArrayList<>(args.length + 1);
            data.add(Objects.requireNonNull(event, "event"));
            data.addAll(Arrays.asList(args));
            return request(Messages.object("uid", UID, "type", RequestType.SERVER_SIDE_EMIT.code(), "data", data));
        }

        private Map<String, Object> selection() {
            return Messages.selection(new BroadcastOptions(rooms, except, false, true, false, null));
        }

        private CompletionStage<Void> request(Map<String, Object> request) {
            return publish(key + "-request#" + namespace + "#", codec.json(request));
        }

        private Set<String> union(Set<String> base, String[] more) {
            Set<String> all = new LinkedHashSet<>(base);
            all.addAll(Arrays.asList(more));
            return all;
        }
    }

    /** Options of a {@link RedisEmitter}. */
    public static final class Builder {
        private RedisClient client;
        private RedisURI uri;
        private String key = "socket.io";
        private ObjectMapper objectMapper = new ObjectMapper();

        private Builder() {
        }

        /** The Redis server; the emitter makes and owns its client. */
        public Builder uri(String uri) {
            this.uri = RedisURI.create(uri);
            this.client = null;
            return this;
        }

        /** A Lettuce client the application has, and the server; the emitter never shuts the client down. */
        public Builder client(RedisClient client, RedisURI uri) {
            this.client = Objects.requireNonNull(client, "client");
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The channel prefix of the cluster; default {@code "socket.io"}. */
        public Builder key(String key) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("key must not be empty");
            }
            this.key = key;
            return this;
        }

        /** The mapper that turns event arguments into values; default a plain {@code ObjectMapper}. */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /** @throws IllegalStateException when neither a URI nor a client was given */
        public RedisEmitter build() {
            if (uri == null) {
                throw new IllegalStateException("a Redis URI or client is required");
            }
            return new RedisEmitter(this);
        }
    }
}
