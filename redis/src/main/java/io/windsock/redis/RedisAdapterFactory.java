package io.windsock.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.windsock.adapter.Adapter;
import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.AdapterNamespace;
import io.windsock.redis.internal.ClusterCodec;
import io.windsock.redis.internal.OwnedLettuce;
import io.windsock.redis.internal.RedisAdapter;
import io.windsock.redis.internal.RedisConnections;
import io.windsock.redis.internal.ShardedRedisAdapter;
import io.windsock.redis.internal.StreamsAdapters;
import io.windsock.redis.internal.StreamsSettings;
import io.windsock.redis.internal.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Makes Redis adapters that join a socket.io cluster: Windsock nodes and Node.js servers using
 * {@code @socket.io/redis-adapter} 8.3 (its default msgpack parser), on the same Redis and key prefix.
 * Set it with {@code Windsock.Builder.adapter(factory)}.
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapterFactory.builder().uri("redis://127.0.0.1:6379").build();
 * Windsock server = Windsock.builder()
 *         .port(8001)
 *         .adapter(redis)
 *         .build()
 *         .start();
 * ...
 * server.stop();
 * redis.close();
 * }</pre>
 *
 * <p>Three variants, as Node's two functions of {@code @socket.io/redis-adapter} and its streams adapter; every
 * node of a cluster must use the same one:
 * <ul>
 *   <li>classic pub/sub (the default), as {@code createAdapter(pubClient, subClient, {key})}:
 *       {@code PUBLISH}, {@code PSUBSCRIBE}, the server count from {@code PUBSUB NUMSUB};</li>
 *   <li>sharded pub/sub ({@link Builder#sharded(SubscriptionMode)}, Redis 7), as
 *       {@code createShardedAdapter(pubClient, subClient, {channelPrefix: key, subscriptionMode})}:
 *       {@code SPUBLISH}, {@code SSUBSCRIBE}, socket.io-adapter's cluster messages, the server count
 *       from {@code PUBSUB SHARDNUMSUB};</li>
 *   <li>Redis streams ({@link Builder#streams()}, Redis 6.2), as {@code @socket.io/redis-streams-adapter} 0.3:
 *       socket.io-adapter's cluster messages in a stream ({@code XADD}, read with {@code XREAD BLOCK} on a
 *       connection of its own), requests and answers on pub/sub; with connection state recovery, sessions and
 *       missed events on any node.</li>
 * </ul>
 *
 * <p>One Redis server ({@link Builder#uri}, {@link Builder#client}) or a Redis Cluster
 * ({@link Builder#clusterUris}, {@link Builder#clusterClient}), with Lettuce's cluster client: the
 * sharded adapter's SPUBLISH, SSUBSCRIBE and SHARDNUMSUB go to the node owning each channel's slot;
 * the classic adapter publishes and subscribes on one node (Redis Cluster carries classic messages
 * to every node) and sums {@code PUBSUB NUMSUB} over all nodes, as Node's classic adapter on a
 * cluster. The sharded adapter is the one that scales with the cluster.
 *
 * <p>Failover on a Redis Cluster: when a master dies, one of its replicas takes over after the cluster's
 * {@code cluster-node-timeout} and an election. A cluster client the factory made ({@link Builder#clusterUris})
 * then reloads its slot map: when a connection fails to reconnect (tried again at most every 5 s), a publish
 * or a subscription fails, or a command is redirected, at most once a second while reloads work (a reload
 * that fails, as when the whole cluster is down, doubles that wait, up to 5 s, and is logged at DEBUG only);
 * and every 30 s whatever happens. On a new slot map the sharded
 * adapter subscribes again, on the new master, to each channel whose slot changed master (Lettuce leaves
 * such subscriptions on its connection to the dead node); the classic adapter's server count leaves out
 * the dead master, which stays in the map, flagged as failed, until an operator makes the cluster forget it
 * (a node only suspected of having failed is asked, and waited for a second at most).
 * So broadcasts, requests and server counts across nodes work again without restarting anything: about a
 * second after the promotion while messages flow, within 5 s otherwise, 30 s at most. Until then, what the
 * sharded adapter publishes to the dead master's slots is dropped and counted ({@link #unpublishedCount()})
 * (the classic adapter publishes through whichever live node Lettuce's main connection is on, so its
 * messages cross meanwhile), and a request for other
 * nodes fails (at once, or at its timeout). A client given with {@link Builder#clusterClient} keeps its own
 * topology refresh options: without periodic or adaptive refresh it does not follow a failover. When the
 * dead master comes back as a replica, the shard subscriptions Lettuce makes again there are undone (a
 * replica serves its master's shard channels: each message would arrive twice); when the subscriber's
 * connection to one node drops and comes back, its shard channels are subscribed again one by one (Lettuce's
 * own single command is refused by the cluster when they span slots).
 *
 * <p>Resharding on a Redis Cluster: when a slot migrates to another master, the former master unsubscribes
 * its shard channels by itself (SUNSUBSCRIBE), and the sharded adapter subscribes again to each one it still
 * holds, routed by its slot map; a stale map has the former master refuse it (MOVED), which reloads the map
 * and tries again, so a node that only receives follows the move too. Lettuce redirects what is published
 * to the former master. What was published while the subscription was on its way is lost (a fraction of a
 * second in the tests). The classic adapter does not depend on slots.
 *
 * <p>Connections: one factory opens one connection for publishing and PUBSUB and one subscriber
 * connection, both asynchronously when it is built, and shares them between the adapters of every
 * namespace it makes; the streams adapter adds one reading connection per stream in use, opened with the first
 * namespace on it. Nothing here blocks a thread: {@link #create} (which may run on a network thread,
 * for a dynamic namespace) only starts the namespace's subscriptions; the namespace holds connecting
 * sockets until Redis confirmed them (and the stream's reader knows where it starts) ({@link Adapter#ready()}),
 * or until the request timeout passes.
 *
 * <p>Outages: the connections reconnect and subscribe again by themselves, also when Redis cannot be
 * reached when the factory is built (see {@link #connected()}). Meanwhile local delivery
 * goes on; what other nodes should have got (broadcasts, server-side events, requests) is dropped,
 * logged once per outage and counted ({@link #unpublishedCount()}); a request waiting for other nodes
 * fails at its timeout. A publish refused while connected (the request queue full) starts such an outage
 * too, which ends at the next publish that works; at most one warning per 10 s for these. An outage of a
 * whole Redis Cluster is the same: each node serves its own clients, and once the servers are back (on
 * their addresses) the nodes work as one again within the reconnection wait, 5 s at most; Lettuce itself
 * logs a line at WARN per failed connection attempt. Where Redis hangs rather than refuses (a partition
 * that drops packets), a publish is counted after the request timeout, at most {@link
 * Builder#requestQueueSize} of them waiting, on a Redis Cluster at most its share (divided by the masters)
 * for one master's shard channels, so that one hung master does not hold back the sharded adapter's
 * publishes to the others; one counted may still have been on its way, and arrive late once Redis goes on. The subscriptions that follow rooms and namespaces are bounded the same way, apart
 * from publishes: at most {@link Builder#requestQueueSize} subscription commands wait, on a Redis Cluster at most
 * its share (divided by the masters) for one master's shard channels, so that one hung master does not hold
 * back the rooms of the others; one past it is tried again later, and one not answered in time is followed
 * until it is (a room's join never waits for them).
 * Once the node answers, each factory holds the subscriptions its rooms and namespaces need, and only
 * those. Connection state recovery across nodes is not possible
 * with pub/sub; the streams adapter offers it (and reads on after an outage from the last entry it read, so
 * that what other nodes broadcast meanwhile is not lost while the stream holds it).
 *
 * <p>Lifecycle: {@link #close()} after the servers using it stopped; it closes the connections, and
 * the Lettuce client when the factory made it (from a URI). Thread-safe.
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {
    private final RedisConnections connections;
    private final WireCodec codec;
    private final ClusterCodec clusterCodec;
    private final SubscriptionMode shardedMode;
    private final String key;
    private final Duration requestTimeout;
    private final boolean publishOnSpecificResponseChannel;
    /** The streams adapter's shared part, or null for the pub/sub adapters. */
    private final StreamsAdapters streams;

    private RedisAdapterFactory(Builder builder) {
        this.key = builder.key;
        this.requestTimeout = builder.requestTimeout;
        this.publishOnSpecificResponseChannel = builder.publishOnSpecificResponseChannel;
        this.codec = new WireCodec(builder.objectMapper);
        this.clusterCodec = new ClusterCodec(builder.objectMapper);
        this.shardedMode = builder.shardedMode;
        if (builder.clusterClient != null) {
            this.connections = new RedisConnections(builder.clusterClient, false);
        } else if (builder.clusterUris != null) {
            RedisClusterClient client = RedisClusterClient.create(OwnedLettuce.resources(), builder.clusterUris);
            // as for one server below: fail commands at once while disconnected, bounded queue; and follow a
            // failover (see the class comment)
            client.setOptions(ClusterClientOptions.builder()
                    .topologyRefreshOptions(OwnedLettuce.clusterTopologyRefresh())
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .requestQueueSize(builder.requestQueueSize)
                    .timeoutOptions(TimeoutOptions.enabled(requestTimeout))
                    .build());
            this.connections = new RedisConnections(client, true);
        } else if (builder.client != null) {
            this.connections = new RedisConnections(builder.client, builder.uri, false);
        } else {
            RedisClient client = RedisClient.create(OwnedLettuce.resources());
            // Our own client fails commands at once while disconnected (counted as unpublished), instead
            // of queueing them without bound until Redis is back, and reconnects within 5 s of its return.
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .requestQueueSize(builder.requestQueueSize)
                    .timeoutOptions(TimeoutOptions.enabled(requestTimeout))
                    .build());
            this.connections = new RedisConnections(client, builder.uri, true);
        }
        connections.limitCommands(builder.requestQueueSize, requestTimeout);
        this.streams = !builder.streams ? null : new StreamsAdapters(connections, clusterCodec,
                new StreamsSettings(key, builder.streamName, builder.streamCount, builder.maxStreamLength,
                        builder.sessionKeyPrefix, shardedMode != null), requestTimeout);
    }

    /** @return a builder with Node's defaults: prefix "socket.io", request timeout 5 s */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Adapter create(AdapterNamespace namespace) {
        if (streams != null) {
            return streams.create(namespace);
        }
        if (shardedMode != null) {
            return new ShardedRedisAdapter(namespace, connections, clusterCodec, key, shardedMode, requestTimeout);
        }
        return new RedisAdapter(namespace, connections, codec, key, requestTimeout, publishOnSpecificResponseChannel);
    }

    /**
     * @return completes when both connections are open. While Redis cannot be reached at start-up the
     *         factory keeps trying (after 0.1 s, then doubling up to every 5 s) and this stays pending;
     *         meanwhile the namespaces serve their own sockets and messages to other nodes are dropped
     *         and counted, as during any outage. Fails only when the factory is closed first. Wait on it
     *         (with a timeout of your choice) to start serving only once the node is in the cluster
     */
    public CompletionStage<Void> connected() {
        return connections.connected();
    }

    /** @return how many messages to other nodes could not be published to Redis since the factory was built */
    public long unpublishedCount() {
        return connections.unpublishedCount();
    }

    /** Closes the connections (and the client if the factory made it) without waiting. */
    public CompletionStage<Void> closeAsync() {
        if (streams == null) {
            return connections.close();
        }
        return streams.close().thenCompose(v -> connections.close());
    }

    /** Closes the connections (and the client if the factory made it) and waits up to the request timeout. */
    @Override
    public void close() {
        try {
            closeAsync().toCompletableFuture().get(requestTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // closing is best effort: the connections are being torn down either way
        }
    }

    /** Options of a {@link RedisAdapterFactory}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private RedisClient client;
        private RedisURI uri;
        private RedisClusterClient clusterClient;
        private List<RedisURI> clusterUris;
        private String key = "socket.io";
        private Duration requestTimeout = Duration.ofSeconds(5);
        private boolean publishOnSpecificResponseChannel;
        private ObjectMapper objectMapper = new ObjectMapper();
        private int requestQueueSize = 10_000;
        private SubscriptionMode shardedMode;
        private boolean streams;
        private String streamName = "socket.io";
        private int streamCount = 1;
        private long maxStreamLength = 10_000;
        private String sessionKeyPrefix = "sio:session:";

        private Builder() {
        }

        /** The Redis server, e.g. {@code redis://127.0.0.1:6379}; the factory makes and owns its client. */
        public Builder uri(String uri) {
            return uri(RedisURI.create(uri));
        }

        /** The Redis server; the factory makes and owns its client. */
        public Builder uri(RedisURI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.client = null;
            this.clusterClient = null;
            this.clusterUris = null;
            return this;
        }

        /**
         * A Lettuce client the application already has, and the server to connect it to. The factory
         * opens its two connections on it and never shuts the client down; the client's options apply
         * (with Lettuce's defaults, commands queue while Redis is down and run when it is back).
         */
        public Builder client(RedisClient client, RedisURI uri) {
            this.client = Objects.requireNonNull(client, "client");
            this.uri = Objects.requireNonNull(uri, "uri");
            this.clusterClient = null;
            this.clusterUris = null;
            return this;
        }

        /**
         * A Redis Cluster, by one or more of its nodes (seeds, e.g. {@code redis://127.0.0.1:7000});
         * the factory makes and owns a Lettuce cluster client, which learns the other nodes and the
         * slot map from them. Replaces a URI or client given before.
         */
        public Builder clusterUris(String... seeds) {
            List<RedisURI> uris = new ArrayList<>();
            for (String seed : seeds) {
                uris.add(RedisURI.create(Objects.requireNonNull(seed, "seed")));
            }
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("at least one cluster seed URI is required");
            }
            this.clusterUris = List.copyOf(uris);
            this.clusterClient = null;
            this.client = null;
            this.uri = null;
            return this;
        }

        /**
         * A Lettuce cluster client the application already has (its seed URIs set). The factory opens
         * its two cluster connections on it and never shuts it down; the client's options apply.
         * Replaces a URI or client given before.
         */
        public Builder clusterClient(RedisClusterClient clusterClient) {
            this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient");
            this.clusterUris = null;
            this.client = null;
            this.uri = null;
            return this;
        }

        /**
         * Uses Redis 7 sharded pub/sub, as Node's {@code createShardedAdapter} with this
         * {@code subscriptionMode} ({@link SubscriptionMode#DYNAMIC} is Node's default), instead of the
         * classic adapter. {@link #key} is then Node's {@code channelPrefix}; Node's server count and
         * request timeout work as in the classic adapter (the count is {@code PUBSUB SHARDNUMSUB} of the
         * namespace channel). Not with {@link #publishOnSpecificResponseChannel}: responses always go to
         * the requesting node's own channel. Default: the classic adapter.
         */
        public Builder sharded(SubscriptionMode mode) {
            this.shardedMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Uses Redis streams, as Node's {@code @socket.io/redis-streams-adapter} 0.3 ({@code createAdapter(client,
         * {streamName, streamCount, channelPrefix: key, maxLen, sessionKeyPrefix, useShardedPubSub})}), instead of
         * the classic adapter: broadcasts, rooms joined and left and disconnections are added to the namespace's
         * stream and read by every node in the stream's order (Redis 6.2 or later); broadcasts with acks,
         * server-side events, fetchSockets and every answer go over pub/sub ({@code PUBLISH}, or {@code
         * SPUBLISH} when {@link #sharded} is set too, whatever its mode: only the namespace channel and each
         * node's own are used); the server count is {@code PUBSUB (SHARD)NUMSUB} of the namespace channel.
         *
         * <p>With connection state recovery on, the stream is the log of events and the sessions of
         * disconnected sockets are kept in Redis: a client recovers on any node of the cluster, Java's or Node's,
         * within the recovery window and while the stream still holds its offset. A broadcast recovery stores
         * then reaches this node's own sockets once Redis has answered its {@code XADD} (its entry's id is the
         * offset), as in Node; one Redis does not take reaches them without an offset. As in Node, the events of
         * other nodes and this node's own come through two connections, so a client may get two broadcasts of
         * different nodes out of the stream's order, and after a recovery the later one again.
         */
        public Builder streams() {
            this.streams = true;
            return this;
        }

        /** The stream of the streams adapter (Node's {@code streamName}); default {@code "socket.io"}. */
        public Builder streamName(String streamName) {
            if (streamName == null || streamName.isEmpty()) {
                throw new IllegalArgumentException("streamName must not be empty");
            }
            this.streamName = streamName;
            return this;
        }

        /**
         * How many streams the streams adapter spreads namespaces over, each read on a connection of its own
         * (Node's {@code streamCount}: a namespace's stream is {@code <streamName>-<hash of its name % count>}
         * when above 1); default 1.
         */
        public Builder streamCount(int streamCount) {
            if (streamCount < 1) {
                throw new IllegalArgumentException("streamCount must be positive");
            }
            this.streamCount = streamCount;
            return this;
        }

        /**
         * About how many entries a stream keeps ({@code XADD ... MAXLEN ~}, Node's {@code maxLen}): a client
         * recovers only while its offset is among them; default 10,000.
         */
        public Builder maxStreamLength(long maxStreamLength) {
            if (maxStreamLength < 1) {
                throw new IllegalArgumentException("maxStreamLength must be positive");
            }
            this.maxStreamLength = maxStreamLength;
            return this;
        }

        /** The prefix of the keys of kept sessions (Node's {@code sessionKeyPrefix}); default {@code "sio:session:"}. */
        public Builder sessionKeyPrefix(String sessionKeyPrefix) {
            if (sessionKeyPrefix == null) {
                throw new IllegalArgumentException("sessionKeyPrefix must not be null");
            }
            this.sessionKeyPrefix = sessionKeyPrefix;
            return this;
        }

        /**
         * The channel prefix, as the Node adapter's {@code key} (the sharded adapter's
         * {@code channelPrefix}); default {@code "socket.io"}.
         */
        public Builder key(String key) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("key must not be empty");
            }
            this.key = key;
            return this;
        }

        /**
         * How long a request to the other nodes (fetchSockets, serverSideEmit with acks, broadcast acks
         * without their own timeout) waits for their answers, and how long a namespace waits for its
         * subscriptions; Node's {@code requestsTimeout}; default 5 s. Also how long a publish waits for
         * Redis's answer before it is counted as unpublished, how long a subscription command is waited for
         * (it goes on, and a failure is tried again while the channel is held), and for a client the factory
         * makes, how long any command waits for its answer.
         */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive");
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Whether this node answers a request on the requesting node's own response channel
         * ({@code <key>-response#<nsp>#<uid>#}) rather than the shared one, as Node's option of the same
         * name; default false (Node's default). Every node listens on both.
         */
        public Builder publishOnSpecificResponseChannel(boolean specific) {
            this.publishOnSpecificResponseChannel = specific;
            return this;
        }

        /**
         * The mapper that turns event arguments and socket data into messages; use the one given to
         * {@code WindsockOptions} so both sides agree. Default: a plain {@code ObjectMapper}.
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * How many publishes and subscriber counts (the server count behind requests to the other nodes) may
         * wait for Redis's answer at once, and for a client the factory makes, how many commands may wait on a
         * connection (Lettuce's request queue); on a Redis Cluster the sharded adapter's publishes and counts
         * to one master's shard channels at most this divided by the masters (rounded up). Past any of these a
         * publish fails at once and is counted as unpublished, and a request to the other nodes fails. As many
         * subscription commands (one per room made or emptied on the sharded adapter) may wait besides, with
         * the same share per master; past that one is tried again later (0.1 s doubling to 5 s). Default
         * 10,000.
         */
        public Builder requestQueueSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("requestQueueSize must be positive");
            }
            this.requestQueueSize = size;
            return this;
        }

        /**
         * @throws IllegalStateException when no URI, client, cluster seeds or cluster client was given, or when
         *         {@link #sharded} or {@link #streams} and {@link #publishOnSpecificResponseChannel} are both set
         */
        public RedisAdapterFactory build() {
            if (uri == null && clusterUris == null && clusterClient == null) {
                throw new IllegalStateException("a Redis URI, client, cluster seed URIs or cluster client is required");
            }
            if (streams && publishOnSpecificResponseChannel) {
                throw new IllegalStateException("the streams adapter always answers on the requester's own channel: "
                        + "publishOnSpecificResponseChannel does not apply");
            }
            if (shardedMode != null && publishOnSpecificResponseChannel) {
                throw new IllegalStateException("the sharded adapter always answers on the requester's own channel: "
                        + "publishOnSpecificResponseChannel does not apply");
            }
            return new RedisAdapterFactory(this);
        }
    }
}
