package io.windsock.redis.internal;

import static io.windsock.redis.internal.RedisConnections.bytes;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Two things a Redis Cluster's subscriber needs at the level of its connections to single nodes, which
 * Lettuce opens, reconnects and subscribes again by itself:
 *
 * <ul>
 *   <li>A node connection that reconnected has its shard channels subscribed again one command per channel
 *   ({@link #onRedisConnected}). Lettuce sends them in one SSUBSCRIBE, which a cluster refuses (CROSSSLOT)
 *   when they hash to more than one slot, and only logs it: every shard channel that node served would
 *   stay unsubscribed after a blip of that one connection.</li>
 *   <li>A shard channel that a replica confirmed on a connection that reconnected is unsubscribed there
 *   ({@link #confirmedBy}). A master that
 *   died and comes back as the replica of the one that took its slots over is reconnected to by Lettuce,
 *   which subscribes it again to what it had: a replica serves shard channels of its master's slots, and
 *   every message would then arrive twice, once from each.</li>
 * </ul>
 *
 * Called on Redis I/O threads; sends commands and never waits for them.
 */
final class ClusterNodeSubscriptions implements RedisConnectionStateListener {
    private static final Logger log = Loggers.REDIS;

    private final Function<String, String> shardOwner;
    private final BooleanSupplier closed;
    private final Runnable nodeReconnected;
    /** Node connections of the subscriber that dropped and have not connected again; weak, Lettuce owns them. */
    private final Set<RedisChannelHandler<?, ?>> dropped = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    /** Node connections of the subscriber that reconnected, with the address they reconnected to; weak. */
    private final Map<RedisChannelHandler<?, ?>, SocketAddress> reconnected =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param shardOwner the id of the master of a channel's slot in the slot map that routes commands, or null
     * @param closed whether the connections were closed
     * @param nodeReconnected subscribes again, one command per channel, every shard channel held
     */
    ClusterNodeSubscriptions(Function<String, String> shardOwner, BooleanSupplier closed, Runnable nodeReconnected) {
        this.shardOwner = shardOwner;
        this.closed = closed;
        this.nodeReconnected = nodeReconnected;
    }

    /*
     * Registered on the client, which tells it of every connection it made: only the subscriber's node
     * connections (subscriber connections other than the cluster subscriber itself, whose own reconnection
     * RedisConnections handles) matter here.
     */

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (isNodeSubscriber(connection)) {
            reconnected.remove(connection);
            dropped.add(connection);
        }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        // A first connection is Lettuce's, opened for a command that goes on: only a reconnection loses anything.
        if (dropped.remove(connection) && !closed.getAsBoolean()) {
            reconnected.put(connection, address);
            nodeReconnected.run();
        }
    }

    private boolean isNodeSubscriber(RedisChannelHandler<?, ?> connection) {
        return connection instanceof StatefulRedisPubSubConnection<?, ?>
                && !(connection instanceof StatefulRedisClusterPubSubConnection<?, ?>);
    }

    /**
     * A node confirmed a shard subscription. Where that node is not the master of the channel's slot in the
     * slot map and one of the subscriber's connections reconnected to it (Lettuce subscribes such a
     * connection again by itself), that connection asks the node its role (the map may be behind a failover:
     * a subscription made again on a new master is confirmed before the map names it), and undoes a
     * replica's subscription. ROLE goes on the subscriber's connection itself, which RESP3 (Lettuce's default
     * with Redis 6 and later) allows while subscribed; on RESP2 the check fails, and is only logged.
     */
    void confirmedBy(String channel, RedisClusterNode node) {
        if (node == null || node.getNodeId() == null || node.getUri() == null || closed.getAsBoolean()
                || node.getNodeId().equals(shardOwner.apply(channel))) {
            return;
        }
        StatefulRedisPubSubConnection<byte[], byte[]> connection = reconnectedTo(node.getUri());
        if (connection == null) {
            return;
        }
        connection.async().role().toCompletableFuture()
                .thenCompose(role -> isReplica(role)
                        ? connection.async().sunsubscribe(bytes(channel)).toCompletableFuture().thenApply(v -> true)
                        : CompletableFuture.completedFuture(false))
                .whenComplete((undone, error) -> {
                    if (error != null) {
                        log.debug("could not check a shard subscription confirmed by {}", node.getUri(), error);
                    } else if (undone) {
                        log.info("undid a shard subscription that replica {}:{} confirmed (a former master back?)",
                                node.getUri().getHost(), node.getUri().getPort());
                    }
                });
    }

    /** @return the subscriber's node connection that reconnected to this node, or null */
    @SuppressWarnings("unchecked")
    private StatefulRedisPubSubConnection<byte[], byte[]> reconnectedTo(RedisURI node) {
        synchronized (reconnected) {
            for (Map.Entry<RedisChannelHandler<?, ?>, SocketAddress> entry : reconnected.entrySet()) {
                if (entry.getValue() instanceof InetSocketAddress address && address.getPort() == node.getPort()
                        && (node.getHost().equals(address.getHostString()) || address.getAddress() != null
                                && node.getHost().equals(address.getAddress().getHostAddress()))) {
                    return (StatefulRedisPubSubConnection<byte[], byte[]>) entry.getKey();
                }
            }
        }
        return null;
    }

    /** ROLE's first element: "master", "slave" (a replica) or "sentinel", as text or as bytes by the codec. */
    private static boolean isReplica(List<Object> role) {
        if (role == null || role.isEmpty()) {
            return false;
        }
        Object kind = role.get(0);
        String text = kind instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(kind);
        return "slave".equals(text) || "replica".equals(text);
    }
}
