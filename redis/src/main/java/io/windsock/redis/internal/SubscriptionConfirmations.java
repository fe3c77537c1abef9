package io.windsock.redis.internal;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What Redis confirmed to the subscriber, per kind, as its pushes tell: a listener on the subscriber
 * connection, which sees the same pushes, in the same order, as Lettuce records for its own resubscription.
 * On a cluster it listens through {@link #perNode()}, which tells the node of each shard channel's push.
 * Called on Redis I/O threads.
 */
final class SubscriptionConfirmations extends RedisPubSubAdapter<byte[], byte[]> {
    /** The node of a push Lettuce cannot place in its slot map: never the one that counts a channel. */
    static final String UNKNOWN_NODE = "?";

    final ConfirmedNames channels = new ConfirmedNames();
    final ConfirmedNames patterns = new ConfirmedNames();
    final ConfirmedNames shardChannels;

    /** On one server. */
    SubscriptionConfirmations() {
        this(name -> ConfirmedNames.ANY_NODE);
    }

    /**
     * @param shardOwner on a cluster, the id of the node that owns a shard channel's slot now (which
     *     SHARDNUMSUB asks), or null
     */
    SubscriptionConfirmations(Function<String, String> shardOwner) {
        this.shardChannels = new ConfirmedNames(shardOwner);
    }

    /** The subscriber lost its connection. */
    void disconnected() {
        channels.disconnected();
        patterns.disconnected();
        shardChannels.disconnected();
    }

    @Override
    public void subscribed(byte[] channel, long count) {
        channels.subscribed(text(channel), ConfirmedNames.ANY_NODE);
    }

    @Override
    public void unsubscribed(byte[] channel, long count) {
        channels.unsubscribed(text(channel), ConfirmedNames.ANY_NODE);
    }

    @Override
    public void psubscribed(byte[] pattern, long count) {
        patterns.subscribed(text(pattern), ConfirmedNames.ANY_NODE);
    }

    @Override
    public void punsubscribed(byte[] pattern, long count) {
        patterns.unsubscribed(text(pattern), ConfirmedNames.ANY_NODE);
    }

    @Override
    public void ssubscribed(byte[] channel, long count) {
        shardChannels.subscribed(text(channel), ConfirmedNames.ANY_NODE);
    }

    @Override
    public void sunsubscribed(byte[] channel, long count) {
        shardChannels.unsubscribed(text(channel), ConfirmedNames.ANY_NODE);
    }

    /**
     * @param shardConfirmed told of each shard subscription a node confirmed, once it is recorded
     * @return the listener for a cluster's subscriber connection (instead of this one): the same, except
     *     that a shard channel's confirmations are the node's that sent them. Classic channels and patterns
     *     are counted over every node, so their node does not matter.
     */
    RedisClusterPubSubListener<byte[], byte[]> perNode(BiConsumer<String, RedisClusterNode> shardConfirmed) {
        return new RedisClusterPubSubAdapter<>() {
            @Override
            public void subscribed(RedisClusterNode node, byte[] channel, long count) {
                SubscriptionConfirmations.this.subscribed(channel, count);
            }

            @Override
            public void unsubscribed(RedisClusterNode node, byte[] channel, long count) {
                SubscriptionConfirmations.this.unsubscribed(channel, count);
            }

            @Override
            public void psubscribed(RedisClusterNode node, byte[] pattern, long count) {
                SubscriptionConfirmations.this.psubscribed(pattern, count);
            }

            @Override
            public void punsubscribed(RedisClusterNode node, byte[] pattern, long count) {
                SubscriptionConfirmations.this.punsubscribed(pattern, count);
            }

            @Override
            public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                String name = text(channel);
                shardChannels.subscribed(name, nodeId(node));
                shardConfirmed.accept(name, node);
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                shardChannels.unsubscribed(text(channel), nodeId(node));
            }
        };
    }

    private static String nodeId(RedisClusterNode node) {
        return node == null || node.getNodeId() == null ? UNKNOWN_NODE : node.getNodeId();
    }

    private static String text(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }
}
