package io.windsock.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The two Redis connections one factory shares between its namespaces' adapters: one for (S)PUBLISH and
 * PUBSUB (SHARD)NUMSUB, one in subscriber mode. Routes each message to the listeners of its channel,
 * pattern or shard channel. Both connections open asynchronously; everything here returns at once.
 * The subscriptions, and the commands that keep Redis in line with them, are {@link Subscriptions}'.
 *
 * <p>Start-up: a connection whose first attempt fails is tried again until Redis answers ({@link ConnectRetry});
 * meanwhile publishes and requests fail at once, and subscriptions are sent when the subscriber opens.
 *
 * <p>Outages: Lettuce reconnects both connections and re-subscribes what was subscribed; on each
 * reconnection of the subscriber this also subscribes again to every channel a listener holds (a
 * SUBSCRIBE Redis already knows is harmless), so that a subscription that failed during the outage is
 * not lost, and unsubscribes from what Lettuce subscribed again that no listener holds any more (its
 * UNSUBSCRIBE failed during the outage), so that other nodes do not count this one for a namespace it
 * left. An outage is logged once when it starts and once when it ends; every message that could
 * not be published is counted.
 *
 * <p>On a Redis Cluster (a {@link RedisClusterClient}) Lettuce routes SPUBLISH, SSUBSCRIBE and
 * PUBSUB SHARDNUMSUB to the node owning the channel's slot and delivers every node's messages to
 * the one subscriber connection; PUBLISH and PSUBSCRIBE go to one node (the cluster bus carries
 * classic messages to all), and NUMSUB, which each node counts for its own clients, is summed over
 * the nodes as Node's classic adapter does on a cluster (but for those agreed failed, and waiting a bounded
 * time for those only suspected: {@link ClusterSlotMap#numsubOverNodes}). When the client learns
 * that a slot has a new master (a failover, a slot moved), the shard channels of that slot are subscribed
 * again on it; {@link ClusterNodeSubscriptions} mends what Lettuce's connections to single nodes do after
 * they reconnect.
 */
public final class RedisConnections {
    private static final Logger log = Loggers.REDIS;

    /** Receives a message: its channel and its bytes. Called on a Redis I/O thread; must not block. */
    public interface Listener extends BiConsumer<String, byte[]> {
    }

    private final AbstractRedisClient client;
    private final boolean ownsClient;
    private final CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connection;
    /** Opens a connection like {@link #connection}, for {@link #openReader()}. */
    private final Supplier<CompletableFuture<StatefulConnection<byte[], byte[]>>> connectReader;
    private final CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands;
    /** PUBSUB NUMSUB of one channel over the whole deployment (every node of a cluster). */
    private final BiFunction<byte[], Duration, CompletableFuture<Long>> numsub;
    private final CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriber;
    /** Who holds which channel, and the commands that keep Redis in line with them. */
    private final Subscriptions subscriptions;
    private final AtomicLong unpublished = new AtomicLong();
    /** Publishes and subscriber counts waiting for Redis's answer: bounded in number and in time. */
    private final CommandsInFlight commandsInFlight;
    /** The subscriber's commands waiting for Redis's answer: bounded likewise, apart from the others. */
    private final SubscriberCommands subscriberCommands;
    /** When publish failures while connected start and end a logged outage. */
    private volatile PublishOutage publishOutage = new PublishOutage(TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    /** Per connection, whether an outage was logged and its end not yet. */
    private final StateListener publisherState = new StateListener("publisher");
    private final StateListener subscriberState = new StateListener("subscriber");
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The start-up connection attempts, cancelled on close. */
    private final Queue<ConnectRetry<?>> retries = new ConcurrentLinkedQueue<>();
    /** On a cluster, what its subscriber's node connections need beyond Lettuce's care; null otherwise. */
    private final ClusterNodeSubscriptions nodeSubscriptions;
    /** On a cluster, the watch of its slot map, which moves shard subscriptions to new masters; null otherwise. */
    private final ClusterSlotMap slotMap;
    /** Set when a first connection attempt failed; until the connection opens, requests fail at once. */
    private volatile boolean publisherRetrying;
    private volatile boolean subscriberRetrying;

    /** Connections to one Redis server. */
    public RedisConnections(RedisClient client, RedisURI uri, boolean ownsClient) {
        this(client, ownsClient, uri.toString(),
                () -> client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture(),
                () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture(), false);
    }

    /** Connections to a Redis Cluster: Lettuce's cluster connections, which route by slot. */
    public RedisConnections(RedisClusterClient client, boolean ownsClient) {
        // Lettuce's asynchronous connect needs the slot map loaded first ("Partitions not initialized"),
        // and the subscriber opens after the first connection for the same reason.
        this(client, ownsClient, "a Redis Cluster",
                () -> client.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(loaded -> client.connectAsync(ByteArrayCodec.INSTANCE)),
                () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE).thenApply(c -> {
                    // shard channels of other nodes arrive on Lettuce's node connections
                    c.setNodeMessagePropagation(true);
                    return (StatefulRedisPubSubConnection<byte[], byte[]>) c;
                }).toCompletableFuture(), true);
    }

    private <C extends StatefulConnection<byte[], byte[]>> RedisConnections(AbstractRedisClient client, boolean ownsClient,
            String target, Supplier<CompletableFuture<C>> connect,
            Supplier<CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>>> connectSubscriber,
            boolean cluster) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.connectReader = () -> connect.get().thenApply(c -> (StatefulConnection<byte[], byte[]>) c);
        this.commandsInFlight = new CommandsInFlight(client.getResources().timer(), 10_000, Duration.ofSeconds(5),
                this::masters);
        this.subscriberCommands = new SubscriberCommands(client.getResources().timer(), 10_000, Duration.ofSeconds(5),
                this::masters);
        ScheduledExecutorService scheduler = client.getResources().eventExecutorGroup();
        this.connection = retry(new ConnectRetry<>("publisher to " + target, connect, scheduler, () -> {
            publisherRetrying = true;
            subscriberRetrying |= cluster; // the subscriber waits for the publisher there
        }));
        Supplier<CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>>> subscriberRetry = () -> retry(
                new ConnectRetry<>("subscriber to " + target, connectSubscriber, scheduler,
                        () -> subscriberRetrying = true));
        // On a cluster the subscriber waits for the first connection (the slot map); on one server it
        // opens beside it.
        this.subscriber = cluster ? connection.thenCompose(c -> subscriberRetry.get()) : subscriberRetry.get();
        this.commands = connection.thenApply(RedisConnections::asyncCommands);
        this.numsub = cluster ? this::clusterNumsub : this::standaloneNumsub;
        this.nodeSubscriptions = cluster
                ? new ClusterNodeSubscriptions(this::shardOwner, closed::get, this::nodeReconnected) : null;
        this.subscriptions = new Subscriptions(subscriber, subscriberState, subscriberCommands, cluster, closed::get,
                this::subscriberNotReachedYet, this::subscriberConnected, this::reloadSlotMap, this::shardOwner,
                this::shardConfirmed);
        this.slotMap = client instanceof RedisClusterClient clusterClient
                ? new ClusterSlotMap(clusterClient, ownsClient, subscriptions::slotsMoved) : null;
        if (nodeSubscriptions != null) {
            client.addListener(nodeSubscriptions);
        }
        connection.thenAccept(c -> c.addListener(publisherState));
    }

    private void nodeReconnected() {
        subscriptions.nodeReconnected();
    }

    private void shardConfirmed(String channel, RedisClusterNode node) {
        if (nodeSubscriptions != null) {
            nodeSubscriptions.confirmedBy(channel, node);
        }
    }

    private <C extends StatefulConnection<?, ?>> CompletableFuture<C> retry(ConnectRetry<C> retry) {
        retries.add(retry);
        if (closed.get()) {
            retry.cancel();
        }
        return retry.opened();
    }

    /**
     * The commands, or a failure at once while the publisher has not opened after a failed attempt: requests
     * made during a start-up outage fail as they do during any outage, instead of waiting in a queue.
     */
    private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
        if (publisherRetrying && !commands.isDone()) {
            return CompletableFuture.failedFuture(new RedisConnectionException("Redis has not been reached yet"));
        }
        return commands;
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<byte[], byte[]> asyncCommands(StatefulConnection<byte[], byte[]> c) {
        if (c instanceof StatefulRedisClusterConnection<?, ?> cluster) {
            return ((StatefulRedisClusterConnection<byte[], byte[]>) cluster).async();
        }
        return ((StatefulRedisConnection<byte[], byte[]>) c).async();
    }

    /** @return completes when both connections are open; fails only when closed before that */
    public CompletionStage<Void> connected() {
        return CompletableFuture.allOf(connection, subscriber);
    }

    /**
     * Publishes; a failure is counted and logged (once per outage) and fails the returned stage. On a cluster
     * the channel goes as a plain argument, not as a key: Lettuce routes a key to the master of its slot,
     * which after that master died is a dead connection until the slot map is reloaded (after the promotion,
     * on a trigger), while any node's cluster bus carries a classic message to every node, and the connection
     * Lettuce sends keyless commands on reconnects to a live node by itself. So a message (a request's
     * answer among them) is not lost for want of a new slot map, as Node's cluster clients, which send
     * PUBLISH to any node, do not lose it.
     */
    public CompletionStage<Long> publish(String channel, byte[] message) {
        if (slotMap == null) {
            return counted(commands().thenCompose(c -> commandsInFlight.send(
                    () -> c.publish(bytes(channel), message).toCompletableFuture())));
        }
        return counted(commands().thenCompose(c -> commandsInFlight.send(() -> c.dispatch(CommandType.PUBLISH,
                new IntegerOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).add(bytes(channel)).addValue(message)).toCompletableFuture())));
    }

    /**
     * Publishes on a shard channel ({@code SPUBLISH}); a failure is counted and logged as {@link #publish}'s. On a
     * cluster the publish takes a place among its master's share (see {@link CommandsInFlight}): a hung master
     * does not hold back the publishes to the others.
     */
    public CompletionStage<Long> spublish(String channel, byte[] message) {
        return counted(commands().thenCompose(c -> commandsInFlight.send(masterOf(channel),
                () -> c.spublish(bytes(channel), message).toCompletableFuture())));
    }

    /**
     * Sends a command on the publishing connection, bounded and timed out as publishes are (see {@link
     * #limitCommands}; on a cluster within the share of the master of {@code key}'s slot).
     *
     * @param publishing whether the command carries a message to other nodes (a stream's XADD): its failure is
     *     then counted and logged as an unpublished message's
     */
    public <T> CompletionStage<T> send(String key, boolean publishing,
                                       Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
        CompletableFuture<T> sent = commands().thenCompose(c -> commandsInFlight.send(masterOf(key),
                () -> command.apply(c).toCompletableFuture()));
        return publishing ? counted(sent) : sent;
    }

    /**
     * Opens one more connection to the same Redis, for a blocking read (a stream's XREAD BLOCK) that would hold
     * up every command behind it on the shared one. Tried again at start-up as the others; the caller closes it.
     */
    public CompletableFuture<StatefulConnection<byte[], byte[]>> openReader() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the Redis connections are closed"));
        }
        return retry(new ConnectRetry<>("stream reader", connectReader, client.getResources().eventExecutorGroup(),
                () -> { }));
    }

    /** @return the client's scheduler (Lettuce's event executors), for retries: its tasks must not block */
    public ScheduledExecutorService scheduler() {
        return client.getResources().eventExecutorGroup();
    }

    /** @return the asynchronous commands of a connection, on one server or a cluster */
    public static RedisClusterAsyncCommands<byte[], byte[]> commandsOf(StatefulConnection<byte[], byte[]> c) {
        return asyncCommands(c);
    }

    /**
     * Bounds the publishes and subscriber counts waiting for Redis's answer (see {@link CommandsInFlight}): at
     * most {@code max}, on a cluster those of a shard channel (SPUBLISH, SHARDNUMSUB) at most its master's share
     * of {@code max}, each failed (a publish counted as unpublished) after {@code timeout}; and apart from them,
     * the subscriber's commands the same way ({@link SubscriberCommands}). Until called: 10,000 and 5 s.
     */
    public void limitCommands(int max, Duration timeout) {
        commandsInFlight.limit(max, timeout);
        subscriberCommands.limit(max, timeout);
    }

    /** @return the publishes and subscriber counts sent and not yet answered by Redis (for tests) */
    int commandsInFlight() {
        return commandsInFlight.count();
    }

    /** @return the subscriber's commands sent and not yet answered by Redis (for tests) */
    int subscriberCommandsInFlight() {
        return subscriberCommands.count();
    }

    /**
     * A publish can fail while the connection stays up (its request queue full, a command timeout, a hung
     * cluster master), so the outage it logs ends at a publish that works once none has failed for 10 s
     * (see {@link PublishOutage}) as well as at a reconnect. The returned stage completes once the outcome
     * is counted and logged.
     */
    private <T> CompletableFuture<T> counted(CompletableFuture<T> published) {
        return published.whenComplete((receivers, error) -> {
            if (error == null) {
                if (publishOutage.worked(publisherState.down)) {
                    log.info("publishing to Redis works again ({} messages could not be published so far)",
                            unpublished.get());
                }
                return;
            }
            unpublished.incrementAndGet();
            reloadSlotMap();
            if (publishOutage.failed(publisherState.down)) {
                log.warn("publishing to Redis failed ({}); messages to other nodes are dropped until it works"
                        + " again", error.getMessage());
            }
        });
    }

    /** For tests: how publish outages are timed. */
    void publishOutage(PublishOutage outage) {
        publishOutage = outage;
    }

    /** On a cluster, after a command failed: reloads the slot map (rate-limited), its master may have changed. */
    private void reloadSlotMap() {
        if (slotMap != null && !closed.get()) {
            slotMap.reloadAfterFailure();
        }
    }

    /**
     * @param suspectWait on a cluster, how long a node only suspected of having failed may take to answer
     *     before it counts none (see {@link ClusterSlotMap#numsubOverNodes})
     * @return the number of subscribers of a channel ({@code PUBSUB NUMSUB}), on a cluster over every node
     */
    public CompletionStage<Long> numsub(String channel, Duration suspectWait) {
        return numsub.apply(bytes(channel), suspectWait);
    }

    private CompletableFuture<Long> standaloneNumsub(byte[] channel, Duration suspectWait) {
        return commands().thenCompose(c -> commandsInFlight.send(() -> c.pubsubNumsub(channel).toCompletableFuture()))
                .thenApply(RedisConnections::sum);
    }

    private CompletableFuture<Long> clusterNumsub(byte[] channel, Duration suspectWait) {
        return commands().thenCompose(c -> commandsInFlight.send(() -> ClusterSlotMap.numsubOverNodes(
                (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) c, channel, suspectWait)));
    }

    private static long sum(Map<byte[], Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the number of subscribers of a shard channel ({@code PUBSUB SHARDNUMSUB}) */
    public CompletionStage<Long> shardNumsub(String channel) {
        return commands().thenCompose(c -> commandsInFlight.send(masterOf(channel),
                () -> c.pubsubShardNumsub(bytes(channel)).toCompletableFuture())).thenApply(RedisConnections::sum);
    }

    /**
     * Subscribes a listener to shard channels ({@code SSUBSCRIBE}, one command per channel, as a
     * cluster needs when the channels live in different slots). A channel refused while the subscriber
     * is connected, or not sent because too many subscriber commands wait (see {@link #limitCommands}), is
     * tried again while a listener holds it.
     *
     * @return completes when Redis confirmed every subscription (a retry does not change it); fails at the
     *     command timeout of {@link #limitCommands}, the subscriptions going on
     */
    public CompletionStage<Void> ssubscribe(List<String> channelNames, Listener listener) {
        return subscriptions.ssubscribe(channelNames, listener);
    }

    /** Removes a listener from shard channels; unsubscribes at Redis from those no listener holds any more. */
    public CompletionStage<Void> sunsubscribe(List<String> channelNames, Listener listener) {
        return subscriptions.sunsubscribe(channelNames, listener);
    }

    /**
     * Subscribes a listener to channels and one pattern, or none when {@code pattern} is null (one command per channel, so that one refused
     * does not hold back the others). One refused while the subscriber is connected, or not sent because
     * too many subscriber commands wait, is tried again while a listener holds it.
     *
     * @return completes when Redis confirmed every subscription (a retry does not change it); fails at the
     *     command timeout of {@link #limitCommands}, the subscriptions going on
     */
    public CompletionStage<Void> subscribe(List<String> channelNames, String pattern, Listener channelListener,
                                           Listener patternListener) {
        return subscriptions.subscribe(channelNames, pattern, channelListener, patternListener);
    }

    /** Removes a listener; unsubscribes at Redis from what no listener holds any more. */
    public CompletionStage<Void> unsubscribe(List<String> channelNames, String pattern, Listener channelListener,
                                             Listener patternListener) {
        return subscriptions.unsubscribe(channelNames, pattern, channelListener, patternListener);
    }

    /**
     * @return whether Redis confirmed the channel to the subscriber since it last connected: whether its
     *     PUBSUB NUMSUB, asked after this, counts this node
     */
    public boolean subscribed(String channel) {
        return subscriptions.subscribed(channel);
    }

    /** @return as {@link #subscribed} for a shard channel (PUBSUB SHARDNUMSUB) */
    public boolean shardSubscribed(String channel) {
        return subscriptions.shardSubscribed(channel);
    }

    /**
     * On a cluster, the node whose PUBSUB SHARDNUMSUB of a channel is asked now: the master of its slot in the
     * slot map that routes the commands (null before that map is known); on one server, any.
     */
    private String shardOwner(String channel) {
        if (slotMap == null) {
            return ConfirmedNames.ANY_NODE;
        }
        if (!connection.isDone() || connection.isCompletedExceptionally()) {
            return null;
        }
        return connection.join() instanceof StatefulRedisClusterConnection<?, ?> cluster
                ? ClusterSlotMap.owner(cluster.getPartitions(), channel) : null;
    }

    /** @return on a cluster, the master a shard channel's commands go to (null until the slot map is known) */
    private String masterOf(String channel) {
        return slotMap == null ? null : shardOwner(channel);
    }

    /** @return on a cluster, how many masters the slot map that routes the commands names (1 before it is known) */
    private int masters() {
        if (slotMap == null || !connection.isDone() || connection.isCompletedExceptionally()) {
            return 1;
        }
        return connection.join() instanceof StatefulRedisClusterConnection<?, ?> cluster
                ? ClusterSlotMap.masters(cluster.getPartitions()) : 1;
    }

    /**
     * Whether the subscriber has not opened after a failed first attempt: subscriber commands are then not
     * queued (see {@link Subscriptions}).
     */
    private boolean subscriberNotReachedYet() {
        return subscriberRetrying && !subscriber.isDone();
    }

    /** @return the subscriber connection, once open (for tests) */
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriberConnection() {
        return subscriber;
    }

    /** @return subscriber commands queued and not yet sent (for tests) */
    int queuedSubscriberCommands() {
        return subscriptions.queuedSubscriberCommands();
    }

    /** @return the shard channels Lettuce would subscribe again on a reconnection (for tests) */
    List<String> keptShardChannels() {
        return subscriptions.keptShardChannels();
    }

    /** @return whether the subscriber connection is open now (it opened, and no outage is under way) */
    public boolean subscriberConnected() {
        return subscriber.isDone() && !subscriber.isCompletedExceptionally() && !subscriberState.down.get();
    }

    /** @return how many messages could not be published since the start */
    public long unpublishedCount() {
        return unpublished.get();
    }

    /** Closes both connections, and the client when this made it. Returns at once. */
    public CompletionStage<Void> close() {
        if (!closed.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        retries.forEach(ConnectRetry::cancel);
        if (slotMap != null) {
            slotMap.close();
        }
        if (nodeSubscriptions != null) {
            client.removeListener(nodeSubscriptions);
        }
        CompletableFuture<Void> connections = CompletableFuture.allOf(
                connection.thenCompose(c -> c.closeAsync()).exceptionally(e -> null),
                subscriber.thenCompose(c -> c.closeAsync()).exceptionally(e -> null));
        if (!ownsClient) {
            return connections;
        }
        return connections.thenCompose(v -> OwnedLettuce.shutdown(client));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private final class StateListener implements RedisConnectionStateListener {
        private final String role;
        /** Whether an outage of this connection was logged and its end not yet. */
        final AtomicBoolean down = new AtomicBoolean();

        StateListener(String role) {
            this.role = role;
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection instanceof StatefulRedisPubSubConnection<?, ?>) {
                subscriptions.subscriberDisconnected();
            }
            if (!closed.get() && down.compareAndSet(false, true)) {
                log.warn("lost the Redis {} connection; reconnecting (messages to other nodes are dropped meanwhile)",
                        role);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection instanceof StatefulRedisPubSubConnection<?, ?> && !closed.get()) {
                subscriptions.subscriberReconnected();
            }
            if (down.compareAndSet(true, false)) {
                log.info("Redis {} connection is back ({} messages could not be published so far)", role,
                        unpublished.get());
            }
        }
    }
}
