package io.windsock.redis.internal;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import reactor.core.Disposable;

/**
 * What the connections to a Redis Cluster need of Lettuce's slot map to follow a failover: a reload when a
 * command or a reconnection failed, the changes of the map as they are learned, the master of a channel, and
 * a count over the nodes that copes with failed ones.
 *
 * <p>For a client Windsock made, the reloads after failed reconnections and the periodic one are this
 * class's rather than Lettuce's ({@link OwnedLettuce#clusterTopologyRefresh()} turns Lettuce's off): Lettuce
 * logs each failed reload at WARN with a stack trace of some hundred lines, once per second per factory
 * through a whole cluster's outage. Here a reload that failed doubles the wait before the next (up to
 * {@link #MAX_RELOAD_INTERVAL}) and is logged at DEBUG; one that worked brings the wait back to
 * {@link #RELOAD_INTERVAL}, so that a failover, during which reloads work, is still followed within about a
 * second of the promotion.
 */
final class ClusterSlotMap implements AutoCloseable {
    /** The least time between two reloads that failures ask for, while reloads work. */
    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);
    /** The least time between two such reloads after failed ones (a whole cluster down). */
    static final Duration MAX_RELOAD_INTERVAL = Duration.ofSeconds(5);
    /** How often the map is reloaded whatever happens, for a failover no failure here saw. */
    static final Duration PERIODIC_RELOAD = Duration.ofSeconds(30);
    private static final Logger log = Loggers.REDIS;

    private final RedisClusterClient client;
    private final Disposable changes;
    private final Disposable reconnectFailures;
    private final ScheduledFuture<?> periodic;
    /** When a failure last asked for a reload (System.nanoTime). */
    private final AtomicLong reloadAsked = new AtomicLong(System.nanoTime() - RELOAD_INTERVAL.toNanos());
    private final AtomicBoolean reloading = new AtomicBoolean();
    /** The least time from one such reload to the next, in nanoseconds: doubled by each that failed. */
    private volatile long reloadInterval = RELOAD_INTERVAL.toNanos();

    /**
     * Watches the client's slot map: {@code onChange} runs on Lettuce's event thread for each new map.
     *
     * @param reloadsItself whether this reloads the map after failed reconnections and periodically (a
     *     client Windsock made, whose resources are its own); a client the application gave keeps its options
     */
    ClusterSlotMap(RedisClusterClient client, boolean reloadsItself, Consumer<ClusterTopologyChangedEvent> onChange) {
        this.client = client;
        // The client's resources may be the application's, shared with other clients: each change is
        // taken as possibly this client's, which costs at most a needless subscription.
        this.changes = client.getResources().eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> onChange.accept((ClusterTopologyChangedEvent) event));
        if (reloadsItself) {
            this.reconnectFailures = client.getResources().eventBus().get()
                    .filter(ReconnectFailedEvent.class::isInstance)
                    .subscribe(event -> reloadAfterFailure());
            long period = PERIODIC_RELOAD.toMillis();
            this.periodic = client.getResources().eventExecutorGroup()
                    .scheduleAtFixedRate(this::reload, period, period, TimeUnit.MILLISECONDS);
        } else {
            this.reconnectFailures = null;
            this.periodic = null;
        }
    }

    /**
     * After a command or a reconnection failed: reloads the slot map, at most once per interval (see the
     * class comment). A first connection to a node that fails is no reconnection: without this, a node that
     * never had a connection to the master that died would go on sending that slot's messages to it until
     * the next periodic reload.
     */
    void reloadAfterFailure() {
        long last = reloadAsked.get();
        long now = System.nanoTime();
        if (now - last >= reloadInterval && reloadAsked.compareAndSet(last, now)) {
            reload();
        }
    }

    private void reload() {
        // one at a time: where a partition drops packets rather than refusing them, a reload waits for the
        // connect timeout, and each would open a connection attempt to every node
        if (!reloading.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?> reloaded;
        try {
            reloaded = client.refreshPartitionsAsync().toCompletableFuture();
        } catch (RuntimeException shuttingDown) {
            reloaded = CompletableFuture.failedFuture(shuttingDown);
        }
        reloaded.whenComplete((v, error) -> {
            reloading.set(false);
            if (error == null) {
                reloadInterval = RELOAD_INTERVAL.toNanos();
            } else {
                reloadInterval = Math.min(2 * reloadInterval, MAX_RELOAD_INTERVAL.toNanos());
                // the message names each node and its error; the trace (some hundred lines) would add nothing
                log.debug("reloading the Redis Cluster's slot map failed ({}); next try in {} ms at the earliest",
                        error.getCause() != null ? error.getCause().getMessage() : error.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(reloadInterval));
            }
        });
    }

    /** @return the channels (of those given) whose slot has another master after the change than before */
    static List<String> moved(ClusterTopologyChangedEvent change, Collection<String> channels) {
        return channels.stream().filter(channel -> {
            int slot = SlotHash.getSlot(channel.getBytes(StandardCharsets.UTF_8));
            return !Objects.equals(master(change.before(), slot), master(change.after(), slot));
        }).toList();
    }

    /** @return the master of a channel's slot after a change, or null if none */
    static RedisClusterNode masterAfter(ClusterTopologyChangedEvent change, String channel) {
        return masterNode(change.after(), SlotHash.getSlot(channel.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the id of the master of a channel's slot in a slot map (as Lettuce routes by it), or null if none */
    static String owner(Partitions partitions, String channel) {
        RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(channel.getBytes(StandardCharsets.UTF_8)));
        return master == null ? null : master.getNodeId();
    }

    /** @return how many masters a slot map names (only masters hold slots in it) */
    static int masters(Partitions partitions) {
        int masters = 0;
        for (RedisClusterNode node : partitions) {
            if (!node.hasNoSlots()) {
                masters++;
            }
        }
        return masters;
    }

    private static String master(List<RedisClusterNode> nodes, int slot) {
        RedisClusterNode master = masterNode(nodes, slot);
        return master == null ? null : master.getNodeId();
    }

    /** Only masters hold slots in a slot map (CLUSTER NODES). */
    private static RedisClusterNode masterNode(List<RedisClusterNode> nodes, int slot) {
        for (RedisClusterNode node : nodes) {
            if (node.hasSlot(slot)) {
                return node;
            }
        }
        return null;
    }

    /**
     * Asks every node of the slot map but those known to have failed for its PUBSUB NUMSUB of a channel, and
     * sums their answers (as Node's adapter sums them over its cluster client's nodes). A node only suspected of having failed
     * (PFAIL: some node missed its pings, as during a blip of the cluster bus, while it may well serve its
     * subscribers) is asked too, but awaited {@code suspectWait} at most: one that does not answer by then,
     * or fails, counts 0. So a dead node costs that wait and a live one is counted; leaving it out would count
     * none of its subscribers. A node whose failure the cluster agreed on (FAIL) is not asked: a master that
     * died stays in the slot map, so flagged, until an operator makes the cluster forget it, and every command
     * to it fails. The failure of any other node fails the sum, as it does Node's.
     */
    static CompletableFuture<Long> numsubOverNodes(RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands,
            byte[] channel, Duration suspectWait) {
        Map<RedisClusterNode, CompletableFuture<Map<byte[], Long>>> answers =
                commands.nodes(ClusterSlotMap::askable).commands().pubsubNumsub(channel).asMap();
        List<CompletableFuture<Long>> counts = new ArrayList<>(answers.size());
        answers.forEach((node, answer) -> {
            CompletableFuture<Long> counted = answer.thenApply(
                    perChannel -> perChannel.values().stream().mapToLong(Long::longValue).sum());
            if (node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
                counted = counted.orTimeout(suspectWait.toMillis(), TimeUnit.MILLISECONDS).exceptionally(error -> {
                    log.debug("node {} of the Redis Cluster, suspected of having failed, counted as 0 ({})",
                            node.getUri(), error.toString());
                    return 0L;
                });
            }
            counts.add(counted);
        });
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                .thenApply(v -> counts.stream().mapToLong(CompletableFuture::join).sum());
    }

    /** @return whether a node is worth asking: not agreed failed, and with an address */
    static boolean askable(RedisClusterNode node) {
        return !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.NOADDR)
                && !node.is(RedisClusterNode.NodeFlag.HANDSHAKE);
    }

    @Override
    public void close() {
        changes.dispose();
        if (reconnectFailures != null) {
            reconnectFailures.dispose();
            periodic.cancel(false);
        }
    }
}
