package io.windsock.redis.internal;

import io.windsock.adapter.AdapterNamespace;
import io.windsock.redis.SubscriptionMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The adapter of one namespace on Redis sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}), as
 * {@code createShardedAdapter} of {@code @socket.io/redis-adapter} 8.3: the cluster adapter's messages
 * on the namespace channel, responses on the requester's own channel, rooms on their own channels
 * in the dynamic modes, and the server count from {@code PUBSUB SHARDNUMSUB} of the namespace channel.
 */
public final class ShardedRedisAdapter extends ClusterAdapter {
    private static final Logger log = Loggers.REDIS;
    /** Node's socket ids are 20 characters; its dynamic mode keeps such rooms on the namespace channel. */
    private static final int SOCKET_ID_LENGTH = 20;

    private final RedisConnections redis;
    private final SubscriptionMode mode;
    private final String channel;
    private final String responseChannel;
    private final RedisConnections.Listener listener;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /**
     * The room channels this adapter subscribed, which close() unsubscribes; guarded by itself, as is
     * {@link #closing}. A room created while the adapter closes is thus either subscribed before close()
     * takes the set, or not at all (the rooms' own map may not hold the room yet when close() looks).
     */
    private final Set<String> roomChannels = new HashSet<>();
    private boolean closing;

    public ShardedRedisAdapter(AdapterNamespace namespace, RedisConnections redis, ClusterCodec codec, String prefix,
                               SubscriptionMode mode, Duration requestTimeout) {
        super(namespace, codec, requestTimeout);
        this.redis = redis;
        this.mode = mode;
        this.channel = prefix + "#" + namespace.name() + "#";
        this.responseChannel = channel + uid() + "#";
        this.listener = (fromChannel, bytes) -> onPubSub(fromChannel, bytes, responseChannel);
    }

    /**
     * Starts the subscriptions without waiting; {@link #ready()} completes when Redis confirmed them,
     * or after the request timeout (logged: the namespace then serves its own sockets).
     */
    @Override
    public void init() {
        redis.ssubscribe(List.of(channel, responseChannel), listener)
                .toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, error) -> {
                    if (error != null) {
                        log.warn("subscribing for namespace {} not confirmed ({}); serving it anyway",
                                namespace.name(), error.toString());
                    }
                    ready.complete(null);
                });
    }

    @Override
    public CompletionStage<Void> ready() {
        return ready;
    }

    /** @return the connections this adapter uses (for tests) */
    RedisConnections connections() {
        return redis;
    }

    /** Unsubscribes from every channel (without waiting) and fails the requests still waiting. */
    @Override
    public void close() {
        List<String> channels = new ArrayList<>(List.of(channel, responseChannel));
        synchronized (roomChannels) {
            if (closing) {
                return;
            }
            closing = true;
            channels.addAll(roomChannels);
            roomChannels.clear();
        }
        super.close();
        redis.sunsubscribe(channels, listener);
        ready.complete(null);
    }

    /**
     * Subscribes to a room's channel. One refused while the subscriber is connected is tried again while
     * the room lasts: {@link RedisConnections#ssubscribe} retries while a listener holds the channel, and
     * {@link #roomDeleted} removes this one. (Not "while {@link #hasRoom}": this runs before the room is in
     * that map, and a refusal quicker than that found no room and was not tried again.)
     */
    @Override
    protected void roomCreated(String room, boolean socketRoom) {
        if (!hasOwnChannel(room, socketRoom)) {
            return;
        }
        String roomChannel = roomChannel(room);
        synchronized (roomChannels) {
            if (!closing && roomChannels.add(roomChannel)) {
                redis.ssubscribe(List.of(roomChannel), listener);
            }
        }
    }

    @Override
    protected void roomDeleted(String room, boolean socketRoom) {
        if (!hasOwnChannel(room, socketRoom)) {
            return;
        }
        String roomChannel = roomChannel(room);
        synchronized (roomChannels) {
            if (roomChannels.remove(roomChannel)) {
                redis.sunsubscribe(List.of(roomChannel), listener);
            }
        }
    }

    /**
     * Whether this node listens on a room's own channel: Node's shouldUseASeparateNamespace, except that in
     * "dynamic" a socket's own room is listened to there when its id is not 20 characters. The sender
     * ({@link #channelOf}) tells socket rooms by that length, so it sends such a room (a socket.io-client
     * 2.x socket outside "/": "/chat#" and its connection's id) on the room's channel; Node's receiver
     * does not listen there, and loses it.
     */
    private boolean hasOwnChannel(String room, boolean socketRoom) {
        return switch (mode) {
            case STATIC -> false;
            case DYNAMIC -> !socketRoom || room.length() != SOCKET_ID_LENGTH;
            case DYNAMIC_PRIVATE -> true;
        };
    }

    private String roomChannel(String room) {
        return channel + room + "#";
    }

    @Override
    protected CompletionStage<?> publish(ClusterMessage message) {
        return redis.spublish(channelOf(channel, mode, message), codec.encodePubSub(message));
    }

    /**
     * Node's computeChannel: a broadcast without acks to exactly one room goes to the room's channel
     * in the dynamic modes (not, in "dynamic", when the room looks like a socket id); everything else,
     * broadcasts with acks included (the server count is the namespace's), to the namespace channel.
     */
    static String channelOf(String channel, SubscriptionMode mode, ClusterMessage message) {
        if (mode == SubscriptionMode.STATIC || message.type() != ClusterMessageType.BROADCAST
                || message.get("requestId") != null) {
            return channel;
        }
        List<Object> rooms = Messages.list(Messages.map(message.get("opts")).get("rooms"));
        if (rooms.size() != 1 || !(rooms.get(0) instanceof String room)) {
            return channel;
        }
        if (mode == SubscriptionMode.DYNAMIC && room.length() == SOCKET_ID_LENGTH) {
            return channel;
        }
        return channel + room + "#";
    }

    @Override
    protected CompletionStage<?> publishResponse(String requesterUid, ClusterMessage response) {
        return redis.spublish(channel + requesterUid + "#", codec.encodePubSub(response));
    }

    /**
     * @return the nodes subscribed to this namespace's channel ({@code PUBSUB SHARDNUMSUB}), this one
     *     included: also before Redis confirmed its subscription, when SHARDNUMSUB does not count it yet
     */
    @Override
    public CompletionStage<Integer> serverCount() {
        // Asked before SHARDNUMSUB is sent: confirmed then, Redis has it in the count.
        boolean counted = redis.shardSubscribed(channel);
        return redis.shardNumsub(channel).thenApply(n -> (int) (counted ? n : n + 1));
    }
}
