package io.windsock.redis.internal;

import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.SocketDetails;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The adapter of one namespace in a Redis cluster, speaking {@code @socket.io/redis-adapter} 8.3's
 * messages. Local sockets are served by the in-memory part at once; what must reach other nodes is
 * published without waiting. Messages from Redis arrive on a Redis I/O thread and are handled there
 * without blocking (packets are queued on sockets; server-side events run on the handler executor).
 */
public final class RedisAdapter extends InMemoryAdapter {
    private static final Logger log = Loggers.REDIS;

    private final RedisConnections redis;
    private final WireCodec codec;
    private final Duration requestTimeout;
    /**
     * On a cluster, how long the server count waits for a node suspected of having failed: a second (a live
     * node answers PUBSUB NUMSUB in milliseconds), at most half the request timeout, which the count is part of.
     */
    private final Duration suspectNodeWait;
    private final boolean publishOnSpecificResponseChannel;
    private final String uid = Uid.next(6);
    private final String channel;
    private final String requestChannel;
    private final String responseChannel;
    private final String specificResponseChannel;
    private final Map<String, PendingRequest<Map<String, Object>>> requests = new ConcurrentHashMap<>();
    private final AckRequests ackRequests = new AckRequests();
    private final RedisConnections.Listener onRequestChannel = this::onRequestChannel;
    private final RedisConnections.Listener onBroadcastChannel = this::onBroadcast;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public RedisAdapter(AdapterNamespace namespace, RedisConnections redis, WireCodec codec, String prefix,
                        Duration requestTimeout, boolean publishOnSpecificResponseChannel) {
        super(namespace);
        this.redis = redis;
        this.codec = codec;
        this.requestTimeout = requestTimeout;
        this.suspectNodeWait = Collections.min(List.of(Duration.ofSeconds(1), requestTimeout.dividedBy(2)));
        this.publishOnSpecificResponseChannel = publishOnSpecificResponseChannel;
        this.channel = prefix + "#" + namespace.name() + "#";
        this.requestChannel = prefix + "-request#" + namespace.name() + "#";
        this.responseChannel = prefix + "-response#" + namespace.name() + "#";
        this.specificResponseChannel = responseChannel + uid + "#";
    }

    /** @return this node's id in the cluster for this namespace */
    public String uid() {
        return uid;
    }

    private List<String> channels() {
        return List.of(requestChannel, responseChannel, specificResponseChannel);
    }

    /**
     * The pattern of this namespace's broadcast channels: its channel, with Redis's glob characters escaped
     * (a namespace or prefix may hold them: "/chat[1]" would otherwise not match its own channel, "/*" would
     * match every namespace's), then {@code *}.
     */
    private String broadcastPattern() {
        StringBuilder pattern = new StringBuilder(channel.length() + 8);
        for (int i = 0; i < channel.length(); i++) {
            char c = channel.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('*').toString();
    }

    /**
     * Starts the subscriptions without waiting; {@link #ready()} completes when Redis confirmed them,
     * or after the request timeout (logged: the namespace then serves its own sockets, and Lettuce
     * subscribes once Redis answers).
     */
    @Override
    public void init() {
        redis.subscribe(channels(), broadcastPattern(), onRequestChannel, onBroadcastChannel)
                .toCompletableFuture()
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, error) -> {
                    if (error != null) {
                        log.warn("subscribing for namespace {} not confirmed ({}); serving it anyway", namespace.name(),
                                error.toString());
                    }
                    ready.complete(null);
                });
    }

    @Override
    public CompletionStage<Void> ready() {
        return ready;
    }

    /** Unsubscribes (without waiting) and fails the requests still waiting for answers. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        redis.unsubscribe(channels(), broadcastPattern(), onRequestChannel, onBroadcastChannel);
        IllegalStateException error = new IllegalStateException("the adapter of " + namespace.name() + " closed");
        for (PendingRequest<?> request : List.copyOf(requests.values())) {
            request.fail(error);
        }
        ackRequests.clear();
        ready.complete(null);
    }

    // ---- broadcasts ----

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions options) {
        if (!options.local()) {
            publishBroadcast(packet, options);
        }
        super.broadcast(packet, options);
    }

    private void publishBroadcast(SocketPacket packet, BroadcastOptions options) {
        byte[] message;
        try {
            message = codec.msgpack(Arrays.asList(uid, Messages.packet(packet.args(), namespace.name()),
                    Messages.options(options, null)));
        } catch (IllegalArgumentException e) {
            log.warn("a broadcast in {} cannot be sent to other nodes: {}", namespace.name(), e.getMessage());
            return;
        }
        String target = options.rooms().size() == 1 ? channel + options.rooms().iterator().next() + "#" : channel;
        redis.publish(target, message);
    }

    /** A broadcast from another node (or the emitter): deliver it to the local sockets it selects. */
    private void onBroadcast(String fromChannel, byte[] message) {
        if (closed.get() || !fromChannel.startsWith(channel)) {
            return;
        }
        // As Node's channel.slice(prefix.length, -1): "" for the namespace channel, else the room before its '#'.
        String room = fromChannel.length() <= channel.length() ? ""
                : fromChannel.substring(channel.length(), fromChannel.length() - 1);
        if (!room.isEmpty() && !hasRoom(room)) {
            return; // a broadcast to one room this node holds no socket for
        }
        List<Object> parts;
        try {
            parts = Messages.list(WireCodec.decodeMsgpack(message));
        } catch (RuntimeException e) {
            log.debug("ignoring a malformed broadcast on {}", fromChannel, e);
            return;
        }
        if (parts.size() < 2 || uid.equals(parts.get(0))) {
            return;
        }
        Map<String, Object> packet = Messages.map(parts.get(1));
        Object nsp = packet.getOrDefault("nsp", "/");
        if (!namespace.name().equals(nsp == null ? "/" : nsp) || !(packet.get("data") instanceof List<?>)) {
            return;
        }
        // Node fails on a broadcast without options: read as "every socket", it would reach all of them.
        BroadcastOptions options = Messages.readOptions(Messages.requireOptions(parts.size() < 3 ? null : parts.get(2),
                "broadcast"));
        super.broadcast(SocketPacket.event(namespace.name(), Messages.copy(packet.get("data")), SocketPacket.NO_ID),
                options);
    }

    @Override
    public void broadcastWithAck(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler) {
        if (!options.local()) {
            Duration timeout = options.timeout() == null ? requestTimeout : options.timeout();
            String requestId = Uid.next(6);
            byte[] request;
            try {
                request = codec.msgpack(Messages.object("uid", uid, "requestId", requestId,
                        "type", RequestType.BROADCAST.code(), "packet", Messages.packet(packet.args(), namespace.name()),
                        "opts", Messages.options(options, timeout)));
            } catch (IllegalArgumentException e) {
                log.warn("a broadcast with acks in {} cannot be sent to other nodes: {}", namespace.name(),
                        e.getMessage());
                request = null;
            }
            if (request != null) {
                ackRequests.add(requestId, handler, timeout);
                redis.publish(requestChannel, request);
            }
        }
        super.broadcastWithAck(packet, options, handler);
    }

    /**
     * @return the nodes subscribed to this namespace's request channel (PUBSUB NUMSUB), this one included:
     *     also before Redis confirmed its subscription, when NUMSUB does not count it yet
     */
    @Override
    public CompletionStage<Integer> serverCount() {
        // Asked before NUMSUB is sent: confirmed then, Redis has it in the count.
        boolean counted = redis.subscribed(requestChannel);
        return redis.numsub(requestChannel, suspectNodeWait).thenApply(n -> (int) (counted ? n : n + 1));
    }

    // ---- server-side operations ----

    @Override
    public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        List<SocketDetails> local = new ArrayList<>();
        for (LocalSocket socket : select(options)) {
            local.add(socket.details());
        }
        if (options.local()) {
            return CompletableFuture.completedFuture(local);
        }
        return request(RequestType.REMOTE_FETCH, Messages.object("opts", Messages.selection(options)), requestTimeout)
                .thenApply(responses -> Messages.withRemoteSockets(local,
                        responses.stream().map(response -> response.get("sockets")).toList()));
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        super.addSockets(options, rooms);
        if (!options.local()) {
            publishRequest(Messages.object("uid", uid, "type", RequestType.REMOTE_JOIN.code(),
                    "opts", Messages.selection(options), "rooms", List.copyOf(rooms)));
        }
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        super.delSockets(options, rooms);
        if (!options.local()) {
            publishRequest(Messages.object("uid", uid, "type", RequestType.REMOTE_LEAVE.code(),
                    "opts", Messages.selection(options), "rooms", List.copyOf(rooms)));
        }
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        super.disconnectSockets(options, close);
        if (!options.local()) {
            publishRequest(Messages.object("uid", uid, "type", RequestType.REMOTE_DISCONNECT.code(),
                    "opts", Messages.selection(options), "close", close));
        }
    }

    @Override
    public void serverSideEmit(List<Object> eventAndArgs) {
        publishRequest(Messages.object("uid", uid, "type", RequestType.SERVER_SIDE_EMIT.code(),
                "data", eventAndArgs));
    }

    @Override
    public CompletionStage<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, Duration timeout) {
        return request(RequestType.SERVER_SIDE_EMIT, Messages.object("data", eventAndArgs), timeout)
                .thenApply(responses -> {
                    List<Object> data = new ArrayList<>(responses.size());
                    for (Map<String, Object> response : responses) {
                        data.add(response.get("data"));
                    }
                    return data;
                });
    }

    private void publishRequest(Map<String, Object> request) {
        byte[] message;
        try {
            message = codec.json(request);
        } catch (IllegalArgumentException e) {
            log.warn("a request in {} cannot be sent to other nodes: {}", namespace.name(), e.getMessage());
            return;
        }
        redis.publish(requestChannel, message);
    }

    /**
     * Publishes a request and waits for one response per other node, as counted by PUBSUB NUMSUB
     * (minus this one); fails with a {@code BroadcastTimeoutException} when they do not all answer in time.
     * A request made before this node's subscriptions are settled ({@link #ready()}) waits for that: it
     * could not hear the answers, and a subscription on its way to Redis may or may not be counted.
     */
    private CompletionStage<List<Map<String, Object>>> request(RequestType type, Map<String, Object> body,
                                                              Duration timeout) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the adapter of " + namespace.name()
                    + " is closed"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletionStage<Integer> nodes = ready.thenCompose(v -> serverCount());
        return PendingRequest.countWithin(nodes, timeout, type.name(), closed).thenCompose(count -> {
            int expected = count - 1; // every node answers but this one
            if (expected <= 0) {
                return CompletableFuture.completedFuture(List.<Map<String, Object>>of());
            }
            String requestId = Uid.next(6);
            Map<String, Object> message = Messages.object("uid", uid, "requestId", requestId, "type", type.code());
            message.putAll(body);
            byte[] bytes = codec.json(message);
            PendingRequest<Map<String, Object>> pending = new PendingRequest<>(requestId, type.name(), expected,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    () -> requests.remove(requestId));
            requests.put(requestId, pending);
            if (closed.get()) { // closed since the count: close() may not have seen this request
                pending.fail(new IllegalStateException("the adapter of " + namespace.name() + " closed"));
                return pending.future();
            }
            redis.publish(requestChannel, bytes).whenComplete((receivers, error) -> {
                if (error != null) {
                    pending.fail(new IllegalStateException(type + " request could not be published to Redis: "
                            + error.getMessage(), error));
                }
            });
            return pending.future();
        });
    }

    // ---- requests from other nodes ----

    private void onRequestChannel(String fromChannel, byte[] message) {
        if (closed.get()) {
            return;
        }
        if (fromChannel.startsWith(responseChannel)) {
            onResponse(message);
        } else if (fromChannel.equals(requestChannel)) {
            Map<String, Object> request;
            try {
                request = Messages.map(WireCodec.decode(message));
            } catch (RuntimeException e) {
                log.debug("ignoring a malformed request in {}", namespace.name(), e);
                return;
            }
            RemoteRequests.handle(this, request);
        }
    }

    private void onResponse(byte[] message) {
        Map<String, Object> response;
        try {
            response = Messages.map(WireCodec.decode(message));
        } catch (RuntimeException e) {
            log.debug("ignoring a malformed response in {}", namespace.name(), e);
            return;
        }
        Object requestId = response.get("requestId");
        boolean broadcastAnswer = ackRequests.answer(requestId, ackHandler -> {
            RequestType type = RequestType.of(response.get("type"));
            if (type == RequestType.BROADCAST_CLIENT_COUNT && response.get("clientCount") instanceof Number n) {
                ackHandler.onClientCount(n.intValue());
            } else if (type == RequestType.BROADCAST_ACK) {
                ackHandler.onAck(Arrays.asList(response.get("packet")));
            }
        });
        if (broadcastAnswer) {
            return;
        }
        PendingRequest<Map<String, Object>> pending = requestId instanceof String id ? requests.get(id) : null;
        if (pending != null) {
            pending.onResponse(response);
        }
    }

    // ---- what RemoteRequests needs ----

    String ownUid() {
        return uid;
    }

    boolean isOwnRequest(Object requestId) {
        return requestId instanceof String id && (requests.containsKey(id) || ackRequests.contains(id));
    }

    /** @return how many of this node's broadcasts with acks it still waits answers for (for tests) */
    int pendingAckRequests() {
        return ackRequests.size();
    }

    AdapterNamespace adapterNamespace() {
        return namespace;
    }

    WireCodec codec() {
        return codec;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    List<LocalSocket> localSockets(BroadcastOptions options) {
        return select(options);
    }

    void addLocal(BroadcastOptions options, Set<String> rooms) {
        super.addSockets(options, rooms);
    }

    void delLocal(BroadcastOptions options, Set<String> rooms) {
        super.delSockets(options, rooms);
    }

    void disconnectLocal(BroadcastOptions options, boolean close) {
        super.disconnectSockets(options, close);
    }

    void broadcastWithAckLocal(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler) {
        super.broadcastWithAck(packet, options, handler);
    }

    /** Answers a request on the response channel Node expects for it. */
    void publishResponse(Object requesterUid, byte[] response) {
        String target = publishOnSpecificResponseChannel && requesterUid instanceof String u
                ? responseChannel + u + "#" : responseChannel;
        redis.publish(target, response);
    }

    /** Answers a server-side event's ack: Node always answers those on the shared response channel. */
    void publishServerSideAck(byte[] response) {
        redis.publish(responseChannel, response);
    }

    void onServerSideEmit(List<Object> eventAndArgs, Ack ack) {
        namespace.onServerSideEmit(eventAndArgs, ack);
    }
}
