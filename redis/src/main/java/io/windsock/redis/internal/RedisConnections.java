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
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Redis connections one factory shares between its namespaces' adapters: one for (S)PUBLISH and
 * PUBSUB (SHARD)NUMSUB, one in subscriber mode. Routes each message to the listeners of its channel,
 * pattern or shard channel. Both connections open asynchronously; everything here returns at once.
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
 * again on it.
 */
public final class RedisConnections {
    private static final Logger log = LoggerFactory.getLogger(RedisConnections.class);
    /** The least time between two WARN lines of one kind that clients or operators can flood. */
    private static final long LOG_PERIOD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** Receives a message: its channel and its bytes. Called on a Redis I/O thread; must not block. */
    public interface Listener extends BiConsumer<String, byte[]> {
    }

    private final AbstractRedisClient client;
    private final boolean ownsClient;
    private final CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connection;
    private final CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands;
    /** PUBSUB NUMSUB of one channel over the whole deployment (every node of a cluster). */
    private final BiFunction<byte[], Duration, CompletableFuture<Long>> numsub;
    private final CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriber;
    /** The subscriber once every command sent so far was dispatched; guarded by this. */
    private CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriberOrder;
    /**
     * Whether subscriber commands were left out while Redis could not be reached (guarded by this):
     * the subscriptions are then made from the listener maps when the subscriber opens, instead of
     * replaying one queued step per room created or deleted during the outage (unbounded in a long one).
     */
    private boolean subscribeAllWhenOpen;
    /** Subscriber commands queued on {@link #subscriberOrder} and not yet sent: for tests. */
    private final AtomicInteger queuedSubscriberCommands = new AtomicInteger();
    private final Map<String, Set<Listener>> channels = new ConcurrentHashMap<>();
    private final Map<String, Set<Listener>> patterns = new ConcurrentHashMap<>();
    private final Map<String, Set<Listener>> shardChannels = new ConcurrentHashMap<>();
    private final SubscriptionConfirmations confirmations = new SubscriptionConfirmations(this::shardOwner);
    private final SubscribeCommand subscribeCommand = new SubscribeCommand("SUBSCRIBE", channels,
            confirmations.channels, (c, name) -> c.subscribe(name), (c, name) -> c.unsubscribe(name));
    private final SubscribeCommand psubscribeCommand = new SubscribeCommand("PSUBSCRIBE", patterns,
            confirmations.patterns, (c, name) -> c.psubscribe(name), (c, name) -> c.punsubscribe(name));
    private final SubscribeCommand ssubscribeCommand = new SubscribeCommand("SSUBSCRIBE", shardChannels,
            confirmations.shardChannels, (c, name) -> c.ssubscribe(name), (c, name) -> c.sunsubscribe(name));
    private final AtomicLong unpublished = new AtomicLong();
    /** Per connection, whether an outage was logged and its end not yet. */
    private final StateListener publisherState = new StateListener("publisher");
    private final StateListener subscriberState = new StateListener("subscriber");
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The start-up connection attempts, cancelled on close. */
    private final Queue<ConnectRetry<?>> retries = new ConcurrentLinkedQueue<>();
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
        this.slotMap = client instanceof RedisClusterClient clusterClient
                ? new ClusterSlotMap(clusterClient, this::slotsMoved) : null;
        // Every subscriber command goes after the listeners are in place: they mirror what Redis confirmed.
        this.subscriberOrder = this.subscriber.thenApply(c -> {
            c.addListener(new MessageRouter(channels, patterns, shardChannels,
                    new LogThrottle(LOG_PERIOD_NANOS, System::nanoTime)));
            if (c instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> clusterSubscriber) {
                clusterSubscriber.addListener(confirmations.perNode()); // tells which node confirmed a shard channel
            } else {
                c.addListener(confirmations);
            }
            c.addListener(subscriberState);
            return c;
        });
        connection.thenAccept(c -> c.addListener(publisherState));
        this.subscriberOrder.thenAccept(c -> {
            synchronized (this) {
                if (subscribeAllWhenOpen) {
                    subscribeAllWhenOpen = false;
                    subscriberOrder = subscriberOrder.thenApply(open -> {
                        resubscribe(open);
                        return open;
                    });
                }
            }
        });
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
            return counted(commands().thenCompose(c -> c.publish(bytes(channel), message).toCompletableFuture()));
        }
        return counted(commands().thenCompose(c -> c.dispatch(CommandType.PUBLISH,
                new IntegerOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).add(bytes(channel)).addValue(message)).toCompletableFuture()));
    }

    /** Publishes on a shard channel ({@code SPUBLISH}); a failure is counted and logged as {@link #publish}'s. */
    public CompletionStage<Long> spublish(String channel, byte[] message) {
        return counted(commands().thenCompose(c -> c.spublish(bytes(channel), message).toCompletableFuture()));
    }

    private CompletableFuture<Long> counted(CompletableFuture<Long> published) {
        published.whenComplete((receivers, error) -> {
            if (error != null) {
                unpublished.incrementAndGet();
                reloadSlotMap();
                if (publisherState.down.compareAndSet(false, true)) {
                    log.warn("publishing to Redis failed ({}); messages to other nodes are dropped until it is back",
                            error.getMessage());
                }
            }
        });
        return published;
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
        return commands().thenCompose(c -> c.pubsubNumsub(channel).toCompletableFuture()).thenApply(RedisConnections::sum);
    }

    private CompletableFuture<Long> clusterNumsub(byte[] channel, Duration suspectWait) {
        return commands().thenCompose(c -> ClusterSlotMap.numsubOverNodes((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) c,
                channel, suspectWait));
    }

    private static long sum(Map<byte[], Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the number of subscribers of a shard channel ({@code PUBSUB SHARDNUMSUB}) */
    public CompletionStage<Long> shardNumsub(String channel) {
        return commands().thenCompose(c -> c.pubsubShardNumsub(bytes(channel)).toCompletableFuture())
                .thenApply(RedisConnections::sum);
    }

    /**
     * Subscribes a listener to shard channels ({@code SSUBSCRIBE}, one command per channel, as a
     * cluster needs when the channels live in different slots). A channel refused while the subscriber
     * is connected is tried again while a listener holds it.
     *
     * @return completes when Redis confirmed every subscription (a retry does not change it)
     */
    public synchronized CompletionStage<Void> ssubscribe(List<String> channelNames, Listener listener) {
        for (String channel : channelNames) {
            shardChannels.computeIfAbsent(channel, k -> new CopyOnWriteArraySet<>()).add(listener);
        }
        return inOrder(c -> CompletableFuture.allOf(channelNames.stream()
                .map(channel -> sendSubscribe(c, ssubscribeCommand, channel, 0))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Sends one subscription command for one name. One refused while the subscriber is connected (its command
     * queue full, an ACL, a slot moving) is tried again, 0.1 s doubling to 5 s, while a listener holds the name:
     * its messages would otherwise be lost until the next reconnection. This holds for a reconnection's own
     * commands too: Redis closes the subscriber of a user when an ACL change revokes one of its channels, and
     * refuses the channel on its return until it is granted again. On one server, one that failed because the
     * subscriber is down is left to the reconnection, which subscribes everything again.
     */
    private CompletableFuture<?> sendSubscribe(StatefulRedisPubSubConnection<byte[], byte[]> c,
                                               SubscribeCommand command, String name, int failures) {
        CompletableFuture<?> sent = command.send().apply(c.async(), bytes(name)).toCompletableFuture();
        return confirmedOrRetried(sent, command, name, null, failures);
    }

    /**
     * What follows a subscription command: the confirmation recorded (as the node's that confirmed it when
     * known, else as the counting node's), or a retry.
     */
    private CompletableFuture<?> confirmedOrRetried(CompletableFuture<?> sent, SubscribeCommand command, String name,
                                                    String node, int failures) {
        // The stage returned completes after this: whoever waits for it sees the name confirmed (Lettuce
        // completes the command before it tells the listeners).
        return sent.whenComplete((v, error) -> {
            if (error == null && node != null) {
                command.confirmed().subscribed(name, node);
            } else if (error == null) {
                command.confirmed().subscribedAtCountingNode(name);
            }
            // On a cluster a shard subscription goes to the connection of the slot's node, whose outage the
            // subscriber's own state does not show (after a failover Lettuce may still route to the dead
            // master): tried again there whatever that state, else it could wait for a reconnection that never
            // comes. Redis takes a repeated subscription as one.
            if (error == null || closed.get() || !command.held().containsKey(name) || slotMap == null && !subscriberConnected()) {
                return;
            }
            reloadSlotMap();
            if (failures == 0) {
                long count = refusedSubscriptions.count();
                if (count > 0) {
                    // The name may come from a client (a room's channel): not logged.
                    log.warn("{} subscription(s) refused by Redis, the last a {} ({}); each is tried again until"
                            + " it succeeds", count, command.name(), error.getMessage());
                }
            }
            RedisTimer.schedule(() -> resendSubscribe(command, name, failures + 1),
                    Duration.ofMillis(Math.min(5_000, 100L << Math.min(failures, 6))));
        });
    }

    /** A retry of {@link #sendSubscribe}, in order with the other commands. */
    private synchronized void resendSubscribe(SubscribeCommand command, String name, int failures) {
        if (!closed.get() && command.held().containsKey(name)) {
            inOrder(c -> sendSubscribe(c, command, name, failures).thenApply(v -> null));
        }
    }

    /**
     * After the cluster client learned a new slot map: subscribes again the shard channels whose slot has
     * another master now. Lettuce keeps a shard subscription on the connection to the node it was made on,
     * and after a failover that node is dead: without this, the channel's messages (published to the new
     * master) would never arrive again. Each is sent to its new master as the event's map names it: Lettuce
     * publishes the event before it routes by the new map, and a routed subscription could still go to the
     * dead master (a failure, a retry 0.1 s later and one more reload of the map).
     */
    private synchronized void slotsMoved(ClusterTopologyChangedEvent change) {
        List<String> moved = ClusterSlotMap.moved(change, shardChannels.keySet());
        if (closed.get() || moved.isEmpty()) {
            return;
        }
        log.info("the Redis Cluster's slot map changed: subscribing again to {} shard channel(s) on their new"
                + " master(s)", moved.size());
        inOrder(c -> CompletableFuture.allOf(moved.stream()
                .map(channel -> subscribeOn(c, ClusterSlotMap.masterAfter(change, channel), channel))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Subscribes to a moved shard channel on its new master's connection, which is the one Lettuce routes the
     * slot's commands to once it applied the new map (the same pooled connection): Lettuce publishes a new
     * map before it routes by it, and a routed subscription could still go to the dead master. A failure is
     * tried again as any subscription, routed by then by the new map.
     */
    private CompletableFuture<?> subscribeOn(StatefulRedisPubSubConnection<byte[], byte[]> c, RedisClusterNode master,
                                             String channel) {
        if (master == null || !(c instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster)) {
            return sendSubscribe(c, ssubscribeCommand, channel, 0);
        }
        CompletableFuture<Void> sent;
        try {
            sent = cluster.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort())
                    .thenCompose(node -> node.async().ssubscribe(bytes(channel)).toCompletableFuture());
        } catch (RuntimeException notInTheMapYet) {
            sent = CompletableFuture.failedFuture(notInTheMapYet);
        }
        return confirmedOrRetried(sent, ssubscribeCommand, channel, master.getNodeId(), 0);
    }

    /** Removes a listener from shard channels; unsubscribes at Redis from those no listener holds any more. */
    public synchronized CompletionStage<Void> sunsubscribe(List<String> channelNames, Listener listener) {
        List<String> unused = new ArrayList<>();
        for (String channel : channelNames) {
            if (remove(shardChannels, channel, listener)) {
                unused.add(channel);
            }
        }
        if (closed.get() || unused.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return inOrder(c -> CompletableFuture.allOf(unused.stream()
                .map(channel -> c.async().sunsubscribe(bytes(channel)).toCompletableFuture())
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Subscribes a listener to channels and one pattern (one command per channel, so that one refused
     * does not hold back the others). One refused while the subscriber is connected is tried again while
     * a listener holds it.
     *
     * @return completes when Redis confirmed every subscription (a retry does not change it)
     */
    public synchronized CompletionStage<Void> subscribe(List<String> channelNames, String pattern, Listener channelListener,
                                           Listener patternListener) {
        for (String channel : channelNames) {
            channels.computeIfAbsent(channel, k -> new CopyOnWriteArraySet<>()).add(channelListener);
        }
        patterns.computeIfAbsent(pattern, k -> new CopyOnWriteArraySet<>()).add(patternListener);
        return inOrder(c -> CompletableFuture.allOf(Stream.concat(
                channelNames.stream().map(channel -> sendSubscribe(c, subscribeCommand, channel, 0)),
                Stream.of(sendSubscribe(c, psubscribeCommand, pattern, 0)))
                .toArray(CompletableFuture[]::new)));
    }

    /** Removes a listener; unsubscribes at Redis from what no listener holds any more. */
    public synchronized CompletionStage<Void> unsubscribe(List<String> channelNames, String pattern, Listener channelListener,
                                             Listener patternListener) {
        List<String> unused = new ArrayList<>();
        for (String channel : channelNames) {
            if (remove(channels, channel, channelListener)) {
                unused.add(channel);
            }
        }
        boolean patternUnused = remove(patterns, pattern, patternListener);
        if (closed.get() || (unused.isEmpty() && !patternUnused)) {
            return CompletableFuture.completedFuture(null);
        }
        return inOrder(c -> CompletableFuture.allOf(
                unused.isEmpty() ? CompletableFuture.completedFuture(null)
                        : c.async().unsubscribe(bytesArray(unused)).toCompletableFuture(),
                patternUnused ? c.async().punsubscribe(bytes(pattern)).toCompletableFuture()
                        : CompletableFuture.completedFuture(null)));
    }

    /**
     * Sends subscriber commands in the order of the calls (guarded by this), also when they are made
     * before the connection is open: a namespace removed and created again must not have its new
     * SUBSCRIBE overtaken by the old UNSUBSCRIBE.
     *
     * @return completes when Redis confirmed the commands
     */
    private CompletableFuture<Void> inOrder(
            Function<StatefulRedisPubSubConnection<byte[], byte[]>, CompletableFuture<Void>> commands) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        if (subscriberRetrying && !subscriber.isDone()) {
            // Redis is away: nothing is queued; the maps (updated by the caller) are subscribed at once
            // when the subscriber opens. The caller, a namespace getting ready, must not wait for that.
            subscribeAllWhenOpen = true;
            confirmed.completeExceptionally(new RedisConnectionException("Redis has not been reached yet"));
            return confirmed;
        }
        queuedSubscriberCommands.incrementAndGet();
        subscriberOrder = subscriberOrder.thenApply(c -> {
            queuedSubscriberCommands.decrementAndGet();
            commands.apply(c).whenComplete((v, error) -> {
                if (error != null) {
                    confirmed.completeExceptionally(error);
                } else {
                    confirmed.complete(null);
                }
            });
            return c;
        });
        subscriberOrder.whenComplete((c, error) -> {
            if (error != null) {
                confirmed.completeExceptionally(error);
            }
        });
        return confirmed;
    }

    private static boolean remove(Map<String, Set<Listener>> map, String key, Listener listener) {
        boolean[] emptied = {false};
        map.computeIfPresent(key, (k, set) -> {
            set.remove(listener);
            emptied[0] = set.isEmpty();
            return set.isEmpty() ? null : set;
        });
        return emptied[0];
    }

    /**
     * @return whether Redis confirmed the channel to the subscriber since it last connected: whether its
     *     PUBSUB NUMSUB, asked after this, counts this node
     */
    public boolean subscribed(String channel) {
        return subscribeCommand.confirmed().isLive(channel);
    }

    /** @return as {@link #subscribed} for a shard channel (PUBSUB SHARDNUMSUB) */
    public boolean shardSubscribed(String channel) {
        return ssubscribeCommand.confirmed().isLive(channel);
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

    /** @return the subscriber connection, once open (for tests) */
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriberConnection() {
        return subscriber;
    }

    /** @return subscriber commands queued and not yet sent (for tests) */
    int queuedSubscriberCommands() {
        return queuedSubscriberCommands.get();
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

    private static byte[][] bytesArray(List<String> texts) {
        byte[][] out = new byte[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes(texts.get(i));
        }
        return out;
    }

    /**
     * Makes the subscriptions what the listeners hold, once the subscriber (re)connected: subscribes every
     * name held, and unsubscribes every name Lettuce subscribed again by itself that no listener holds any
     * more (its UNSUBSCRIBE failed while Redis was away, as commands do then). Runs in order with the other
     * commands ({@link #inOrder}), so that it neither undoes nor is undone by a call made meanwhile.
     */
    private CompletableFuture<Void> resubscribe(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (SubscribeCommand command : List.of(subscribeCommand, psubscribeCommand, ssubscribeCommand)) {
            for (String name : command.held().keySet()) {
                sent.add(sendSubscribe(connection, command, name, 0));
            }
            for (String name : command.confirmed().kept()) {
                if (!command.held().containsKey(name)) {
                    sent.add(command.unsend().apply(connection.async(), bytes(name)).toCompletableFuture());
                }
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Subscriptions refused: after an ACL change, one per room of a sharded adapter. */
    private final LogThrottle refusedSubscriptions = new LogThrottle(LOG_PERIOD_NANOS, System::nanoTime);

    /**
     * A subscription command: its name (for the log), the map of what listeners hold, what Redis confirmed,
     * and how it is sent and undone.
     */
    private record SubscribeCommand(String name, Map<String, Set<Listener>> held, ConfirmedNames confirmed,
            BiFunction<RedisPubSubAsyncCommands<byte[], byte[]>, byte[], RedisFuture<Void>> send,
            BiFunction<RedisPubSubAsyncCommands<byte[], byte[]>, byte[], RedisFuture<Void>> unsend) {
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
                confirmations.disconnected();
            }
            if (!closed.get() && down.compareAndSet(false, true)) {
                log.warn("lost the Redis {} connection; reconnecting (messages to other nodes are dropped meanwhile)",
                        role);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection instanceof StatefulRedisPubSubConnection<?, ?> && !closed.get()) {
                synchronized (RedisConnections.this) {
                    inOrder(RedisConnections.this::resubscribe);
                }
            }
            if (down.compareAndSet(true, false)) {
                log.info("Redis {} connection is back ({} messages could not be published so far)", role,
                        unpublished.get());
            }
        }
    }
}
