package io.windsock.redis;

/**
 * Which shard channels a sharded adapter subscribes to, as the {@code subscriptionMode} option of
 * {@code createShardedAdapter} in {@code @socket.io/redis-adapter} 8.3. Every node of a cluster must
 * use the same mode. Channels: {@code <key>#<nsp>#} for the namespace, {@code <key>#<nsp>#<uid>#}
 * for the responses to one node, {@code <key>#<nsp>#<room>#} for a room's broadcasts.
 */
public enum SubscriptionMode {
    /**
     * Two channels per namespace and node; every broadcast goes to the namespace channel. Fewest
     * subscriptions; every node reads every broadcast. Node's {@code "static"}.
     */
    STATIC,
    /**
     * As {@link #STATIC}, plus one channel per public room (a room not named after a socket id) while
     * this node has a socket in it: a broadcast without acks to exactly one such room goes to the room's
     * channel and reaches only the nodes holding it. Node's {@code "dynamic"}, its default. The sender
     * tells a socket's room by its 20 characters, so the room of a socket whose id is longer (a
     * socket.io-client 2.x outside "/") has a channel too, where such broadcasts arrive.
     */
    DYNAMIC,
    /**
     * As {@link #DYNAMIC}, private rooms (a socket's own id, 20 characters) included, so that a message
     * to one socket reaches only its node, at the cost of one subscription per connected socket.
     * Node's {@code "dynamic-private"}.
     */
    DYNAMIC_PRIVATE
}
