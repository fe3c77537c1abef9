package io.windsock.redis.internal;

import static io.windsock.redis.internal.RedisConnections.bytes;

import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * The subscriptions of {@link RedisConnections}' subscriber connection: which listeners hold each channel,
 * pattern and shard channel, what Redis confirmed, and the commands that keep Redis in line with the
 * listeners: sent in the order of the calls, a refused one tried again, everything subscribed again after a
 * reconnection, and shard channels subscribed again on the new master of a slot that moved. Those commands
 * are bounded in number and time ({@link SubscriberCommands}): one not sent, or not answered in time, is
 * followed up as one refused, so that Redis ends up with what the listeners hold.
 * Its methods that change the subscriptions are guarded by this.
 */
final class Subscriptions {
    /** Under the connections' name, as the rest of what concerns them: one logger to configure. */
    private static final Logger log = Loggers.REDIS;
    /** The least time between two WARN lines of one kind that clients or operators can flood. */
    private static final long LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final boolean cluster;
    private final BooleanSupplier closed;
    private final BooleanSupplier subscriberConnected;
    private final Runnable reloadSlotMap;
    /** On a cluster, the id of the master of a shard channel's slot in the slot map, or null. */
    private final Function<String, String> shardOwner;
    /** Sends the commands in the order of the calls; guarded by this. */
    private final SubscriberOrder order;
    /** The kinds and names whose refused unsubscription waits for a retry: one retry at a time per name. */
    private final Set<String> unsubscribeRetries = ConcurrentHashMap.newKeySet();
    /** The kinds and names whose subscription waits for a retry: one retry at a time per name. */
    private final Set<String> subscribeRetries = ConcurrentHashMap.newKeySet();
    /** The subscriber's commands waiting for Redis's answer: bounded in number and time. */
    private final SubscriberCommands commands;
    private final Map<String, Set<RedisConnections.Listener>> channels = new ConcurrentHashMap<>();
    private final Map<String, Set<RedisConnections.Listener>> patterns = new ConcurrentHashMap<>();
    private final Map<String, Set<RedisConnections.Listener>> shardChannels = new ConcurrentHashMap<>();
    private final SubscriptionConfirmations confirmations;
    private final SubscribeCommand subscribeCommand;
    private final SubscribeCommand psubscribeCommand;
    private final SubscribeCommand ssubscribeCommand;
    private final List<SubscribeCommand> everyKind;
    /** Subscriptions refused: after an ACL change, one per room of a sharded adapter. */
    private final LogThrottle refusedSubscriptions = new LogThrottle(LOG_PERIOD_NANOS, System::nanoTime);

    /**
     * @param subscriber the subscriber connection, once open
     * @param subscriberState the connections' listener of the subscriber's state, added after this one's
     *     listeners, before any command is sent
     * @param cluster whether the subscriber is a Redis Cluster's
     * @param closed whether the connections were closed
     * @param subscriberNotReachedYet whether the subscriber has not opened after a failed first attempt
     * @param subscriberConnected whether the subscriber connection is open now
     * @param reloadSlotMap on a cluster, after a command failed: reloads the slot map (rate-limited)
     * @param shardOwner as {@link SubscriptionConfirmations#SubscriptionConfirmations(Function)}'s
     * @param shardConfirmed on a cluster, told of each shard subscription a node confirmed
     * @param commands bounds the commands sent
     */
    Subscriptions(CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> subscriber,
            RedisConnectionStateListener subscriberState, SubscriberCommands commands, boolean cluster,
            BooleanSupplier closed,
            BooleanSupplier subscriberNotReachedYet, BooleanSupplier subscriberConnected, Runnable reloadSlotMap,
            Function<String, String> shardOwner, BiConsumer<String, RedisClusterNode> shardConfirmed) {
        this.commands = commands;
        this.cluster = cluster;
        this.closed = closed;
        this.subscriberConnected = subscriberConnected;
        this.reloadSlotMap = reloadSlotMap;
        this.shardOwner = shardOwner;
        this.confirmations = new SubscriptionConfirmations(shardOwner);
        this.subscribeCommand = new SubscribeCommand("SUBSCRIBE", channels, confirmations.channels,
                (c, name) -> c.subscribe(name), (c, name) -> c.unsubscribe(name));
        this.psubscribeCommand = new SubscribeCommand("PSUBSCRIBE", patterns, confirmations.patterns,
                (c, name) -> c.psubscribe(name), (c, name) -> c.punsubscribe(name));
        this.ssubscribeCommand = new SubscribeCommand("SSUBSCRIBE", shardChannels, confirmations.shardChannels,
                (c, name) -> c.ssubscribe(name), (c, name) -> c.sunsubscribe(name));
        this.everyKind = List.of(subscribeCommand, psubscribeCommand, ssubscribeCommand);
        // Every subscriber command goes after the listeners are in place: they mirror what Redis confirmed.
        this.order = new SubscriberOrder(subscriber.thenApply(c -> {
            c.addListener(new MessageRouter(channels, patterns, shardChannels,
                    new LogThrottle(LOG_PERIOD_NANOS, System::nanoTime)));
            if (c instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> clusterSubscriber) {
                clusterSubscriber.addListener(confirmations.perNode(shardConfirmed)); // tells which node confirmed a shard channel
                clusterSubscriber.addListener(new RedisClusterPubSubAdapter<>() {
                    @Override
                    public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                        shardUnsubscribed(new String(channel, StandardCharsets.UTF_8));
                    }
                });
            } else {
                c.addListener(confirmations);
            }
            c.addListener(subscriberState);
            return c;
        }), subscriberNotReachedYet, this, open -> resubscribe(open, everyKind));
    }

    /** As {@link RedisConnections#ssubscribe}. */
    synchronized CompletionStage<Void> ssubscribe(List<String> channelNames, RedisConnections.Listener listener) {
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
     * subscriber is down is left to the reconnection, which subscribes everything again. One not sent (too
     * many on their way) is tried again the same way; one not answered in time is followed until it is.
     */
    private CompletableFuture<?> sendSubscribe(StatefulRedisPubSubConnection<byte[], byte[]> c,
                                               SubscribeCommand command, String name, int failures) {
        return commands.send(masterOf(command, name), () -> confirmedOrRetried(
                command.send().apply(c.async(), bytes(name)).toCompletableFuture(), command, name, null, failures),
                () -> scheduleSubscribeRetry(command, name, failures));
    }

    /**
     * What follows a subscription command: the confirmation recorded (as the node's that confirmed it when
     * known, else as the counting node's), or a retry. A confirmation of a name no listener holds any more
     * and whose unsubscription is not on its way (left while the command waited for a node that hung, its
     * unsubscription not sent or failed meanwhile) is undone: else this node would go on receiving it.
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
            if (error == null && !command.held().containsKey(name)) {
                undoUnheld(command, name);
            }
            // On a cluster a shard subscription goes to the connection of the slot's node, whose outage the
            // subscriber's own state does not show (after a failover Lettuce may still route to the dead
            // master): tried again there whatever that state, else it could wait for a reconnection that never
            // comes. Redis takes a repeated subscription as one.
            if (error == null || closed.getAsBoolean() || !command.held().containsKey(name)
                    || !cluster && !subscriberConnected.getAsBoolean()) {
                return;
            }
            reloadSlotMap.run();
            if (failures == 0) {
                long count = refusedSubscriptions.count();
                if (count > 0) {
                    // The name may come from a client (a room's channel): not logged.
                    log.warn("{} subscription(s) refused by Redis, the last a {} ({}); each is tried again until"
                            + " it succeeds", count, command.name(), error.getMessage());
                }
            }
            scheduleSubscribeRetry(command, name, failures);
        });
    }

    /** Tries a subscription again after {@link #retryDelay}, while a listener holds it; one retry per name. */
    private void scheduleSubscribeRetry(SubscribeCommand command, String name, int failures) {
        String key = retryKey(command, name);
        if (closed.getAsBoolean() || !command.held().containsKey(name)
                || !cluster && !subscriberConnected.getAsBoolean() || !subscribeRetries.add(key)) {
            return;
        }
        RedisTimer.schedule(() -> {
            subscribeRetries.remove(key);
            resendSubscribe(command, name, failures + 1);
        }, retryDelay(failures));
    }

    private void undoUnheld(SubscribeCommand command, String name) {
        String key = retryKey(command, name);
        if (!closed.getAsBoolean() && !commands.unsubscribing(key) && unsubscribeRetries.add(key)) {
            // after the confirmation's push, which Lettuce tells its listeners after this
            RedisTimer.schedule(() -> resendUnsubscribe(command, name, 1), retryDelay(0));
        }
    }

    /** 0.1 s, doubling to 5 s. */
    private static Duration retryDelay(int failures) {
        return Duration.ofMillis(Math.min(5_000, 100L << Math.min(failures, 6)));
    }

    /** A retry of {@link #sendSubscribe}, in order with the other commands. */
    private synchronized void resendSubscribe(SubscribeCommand command, String name, int failures) {
        if (!closed.getAsBoolean() && command.held().containsKey(name)) {
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
    synchronized void slotsMoved(ClusterTopologyChangedEvent change) {
        List<String> moved = ClusterSlotMap.moved(change, shardChannels.keySet());
        if (closed.getAsBoolean() || moved.isEmpty()) {
            return;
        }
        log.info("the Redis Cluster's slot map changed: subscribing again to {} shard channel(s) on their new"
                + " master(s)", moved.size());
        inOrder(c -> CompletableFuture.allOf(moved.stream()
                .map(channel -> subscribeOn(c, ClusterSlotMap.masterAfter(change, channel), channel))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * A node said a shard channel is no longer subscribed there. Where a listener still holds it, Redis
     * dropped it by itself: a master hands a slot over to another (a resharding) and unsubscribes the slot's
     * shard channels. Lettuce learns of the move only from a redirection or a reload of its slot map, which
     * this subscriber's own commands may never cause (a node that only receives): the channel is subscribed
     * again, routed by the map as it is. On a stale map the former master refuses it (MOVED), which reloads
     * the map and tries again ({@link #confirmedOrRetried}). One that this server asked for and that a listener
     * took again meanwhile costs a repeated subscription, which Redis takes as one.
     */
    private synchronized void shardUnsubscribed(String channel) {
        if (!closed.getAsBoolean() && shardChannels.containsKey(channel)) {
            inOrder(c -> sendSubscribe(c, ssubscribeCommand, channel, 0).thenApply(v -> null));
        }
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
        return commands.send(master.getNodeId(), () -> {
            CompletableFuture<Void> sent;
            try {
                sent = cluster.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort())
                        .thenCompose(node -> node.async().ssubscribe(bytes(channel)).toCompletableFuture());
            } catch (RuntimeException notInTheMapYet) {
                sent = CompletableFuture.failedFuture(notInTheMapYet);
            }
            return confirmedOrRetried(sent, ssubscribeCommand, channel, master.getNodeId(), 0);
        }, () -> scheduleSubscribeRetry(ssubscribeCommand, channel, 0));
    }

    /** As {@link RedisConnections#sunsubscribe}. */
    synchronized CompletionStage<Void> sunsubscribe(List<String> channelNames, RedisConnections.Listener listener) {
        List<String> unused = new ArrayList<>();
        for (String channel : channelNames) {
            if (remove(shardChannels, channel, listener)) {
                unused.add(channel);
            }
        }
        if (closed.getAsBoolean() || unused.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return inOrder(c -> CompletableFuture.allOf(unused.stream()
                .map(channel -> sendUnsubscribe(c, ssubscribeCommand, channel, 0))
                .toArray(CompletableFuture[]::new)));
    }

    /**
     * Sends one unsubscription command for one name. Its answer undoes the name at every node, a dead former
     * master's record included; an unsubscription Redis sends by itself (a master that lost the slot) undoes
     * only the node's that sent it ({@link ConfirmedNames#unsubscribed}). One refused while the subscriber is
     * connected (an ACL, a full command queue; on a cluster, a dead master the slot map still names) is tried
     * again as a subscription is, while no listener holds the name and Redis still has it: else this node
     * would go on receiving, and being counted for, what it left until the next reconnection. One retry at a
     * time per name, however often it is left meanwhile. One not sent (too many on their way) is tried again
     * the same way; one not answered in time is followed until it is.
     */
    private CompletableFuture<?> sendUnsubscribe(StatefulRedisPubSubConnection<byte[], byte[]> c,
                                                 SubscribeCommand command, String name, int failures) {
        String key = retryKey(command, name);
        return commands.sendUnsubscribe(masterOf(command, name), key, () -> command.unsend()
                .apply(c.async(), bytes(name)).toCompletableFuture()
                .whenComplete((v, error) -> {
                    if (error == null) {
                        command.confirmed().unsubscribedEverywhere(name);
                        unsubscribeRetries.remove(key); // a retry under way finds nothing to do
                    } else {
                        unsubscribeFailed(command, name, failures);
                    }
                }), () -> unsubscribeFailed(command, name, failures));
    }

    private void unsubscribeFailed(SubscribeCommand command, String name, int failures) {
        if (failures > 0 || unsubscribeRetries.add(retryKey(command, name))) {
            scheduleUnsubscribeRetry(command, name, failures);
        }
    }

    private void scheduleUnsubscribeRetry(SubscribeCommand command, String name, int failures) {
        if (unsubscribeNotNeeded(command, name) || !cluster && !subscriberConnected.getAsBoolean()) {
            unsubscribeRetries.remove(retryKey(command, name));
            return;
        }
        reloadSlotMap.run();
        RedisTimer.schedule(() -> resendUnsubscribe(command, name, failures + 1), retryDelay(failures));
    }

    private boolean unsubscribeNotNeeded(SubscribeCommand command, String name) {
        return closed.getAsBoolean() || command.held().containsKey(name) || !command.confirmed().isKept(name);
    }

    /**
     * @return on a cluster, the master a shard channel's command goes to (as the slot map routes it), whose
     *     share of the commands it takes ({@link SubscriberCommands}); else null, for the subscriber's own connection
     */
    private String masterOf(SubscribeCommand command, String name) {
        return cluster && command == ssubscribeCommand ? shardOwner.apply(name) : null;
    }

    private static String retryKey(SubscribeCommand command, String name) {
        return command.name() + ' ' + name;
    }

    /** A retry of {@link #sendUnsubscribe}, in order with the other commands. */
    private synchronized void resendUnsubscribe(SubscribeCommand command, String name, int failures) {
        if (unsubscribeNotNeeded(command, name)) {
            unsubscribeRetries.remove(retryKey(command, name));
            return;
        }
        inOrder(c -> sendUnsubscribe(c, command, name, failures).handle((v, error) -> null));
    }

    /** As {@link RedisConnections#subscribe}. */
    synchronized CompletionStage<Void> subscribe(List<String> channelNames, String pattern,
            RedisConnections.Listener channelListener, RedisConnections.Listener patternListener) {
        for (String channel : channelNames) {
            channels.computeIfAbsent(channel, k -> new CopyOnWriteArraySet<>()).add(channelListener);
        }
        if (pattern != null) {
            patterns.computeIfAbsent(pattern, k -> new CopyOnWriteArraySet<>()).add(patternListener);
        }
        return inOrder(c -> CompletableFuture.allOf(Stream.concat(
                channelNames.stream().map(channel -> sendSubscribe(c, subscribeCommand, channel, 0)),
                pattern == null ? Stream.empty() : Stream.of(sendSubscribe(c, psubscribeCommand, pattern, 0)))
                .toArray(CompletableFuture[]::new)));
    }

    /** As {@link RedisConnections#unsubscribe}. */
    synchronized CompletionStage<Void> unsubscribe(List<String> channelNames, String pattern,
            RedisConnections.Listener channelListener, RedisConnections.Listener patternListener) {
        List<String> unused = new ArrayList<>();
        for (String channel : channelNames) {
            if (remove(channels, channel, channelListener)) {
                unused.add(channel);
            }
        }
        boolean patternUnused = pattern != null && remove(patterns, pattern, patternListener);
        if (closed.getAsBoolean() || (unused.isEmpty() && !patternUnused)) {
            return CompletableFuture.completedFuture(null);
        }
        // One command per name, as subscriptions: each bounded, and tried again where it fails.
        return inOrder(c -> CompletableFuture.allOf(Stream.concat(
                unused.stream().map(channel -> sendUnsubscribe(c, subscribeCommand, channel, 0)),
                patternUnused ? Stream.of(sendUnsubscribe(c, psubscribeCommand, pattern, 0)) : Stream.empty())
                .toArray(CompletableFuture[]::new)));
    }

    /** Sends commands in the order of the calls (see {@link SubscriberOrder}); guarded by this. */
    private CompletableFuture<Void> inOrder(
            Function<StatefulRedisPubSubConnection<byte[], byte[]>, CompletableFuture<Void>> commands) {
        return order.then(commands);
    }

    private static boolean remove(Map<String, Set<RedisConnections.Listener>> map, String key,
                                  RedisConnections.Listener listener) {
        boolean[] emptied = {false};
        map.computeIfPresent(key, (k, set) -> {
            set.remove(listener);
            emptied[0] = set.isEmpty();
            return set.isEmpty() ? null : set;
        });
        return emptied[0];
    }

    /** As {@link RedisConnections#subscribed}. */
    boolean subscribed(String channel) {
        return subscribeCommand.confirmed().isLive(channel);
    }

    /** As {@link RedisConnections#shardSubscribed}. */
    boolean shardSubscribed(String channel) {
        return ssubscribeCommand.confirmed().isLive(channel);
    }

    /** @return subscriber commands queued and not yet sent (for tests) */
    int queuedSubscriberCommands() {
        return order.queued();
    }

    /** @return the shard channels Lettuce would subscribe again on a reconnection (for tests) */
    List<String> keptShardChannels() {
        return ssubscribeCommand.confirmed().kept();
    }

    /** The subscriber lost its connection: what Redis confirmed is no longer live. */
    void subscriberDisconnected() {
        confirmations.disconnected();
    }

    /**
     * On a cluster, one of the subscriber's node connections connected again (see
     * {@link ClusterNodeSubscriptions}): its shard channels are made what the listeners hold, as after a
     * reconnection of the subscriber ({@link #resubscribe}), one command per channel, routed by the slot map.
     */
    synchronized void nodeReconnected() {
        if (closed.getAsBoolean() || shardChannels.isEmpty() && ssubscribeCommand.confirmed().kept().isEmpty()) {
            return;
        }
        log.info("a Redis Cluster node connection of the subscriber is back: subscribing again to {} shard"
                + " channel(s)", shardChannels.size());
        inOrder(c -> resubscribe(c, List.of(ssubscribeCommand)));
    }

    /** The subscriber connected again: see {@link #resubscribe}. */
    synchronized void subscriberReconnected() {
        inOrder(c -> resubscribe(c, everyKind));
    }

    /**
     * Makes the subscriptions what the listeners hold, once the subscriber (re)connected: subscribes every
     * name held, and unsubscribes every name Lettuce subscribed again by itself that no listener holds any
     * more (its UNSUBSCRIBE failed while Redis was away, as commands do then). Runs in order with the other
     * commands ({@link #inOrder}), so that it neither undoes nor is undone by a call made meanwhile.
     */
    private CompletableFuture<Void> resubscribe(StatefulRedisPubSubConnection<byte[], byte[]> connection,
                                                List<SubscribeCommand> kinds) {
        if (closed.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (SubscribeCommand command : kinds) {
            for (String name : command.held().keySet()) {
                sent.add(sendSubscribe(connection, command, name, 0));
            }
            for (String name : command.confirmed().kept()) {
                if (!command.held().containsKey(name)) {
                    sent.add(sendUnsubscribe(connection, command, name, 0));
                }
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /**
     * A subscription command: its name (for the log), the map of what listeners hold, what Redis confirmed,
     * and how it is sent and undone.
     */
    private record SubscribeCommand(String name, Map<String, Set<RedisConnections.Listener>> held,
            ConfirmedNames confirmed,
            BiFunction<RedisPubSubAsyncCommands<byte[], byte[]>, byte[], RedisFuture<Void>> send,
            BiFunction<RedisPubSubAsyncCommands<byte[], byte[]>, byte[], RedisFuture<Void>> unsend) {
    }
}
