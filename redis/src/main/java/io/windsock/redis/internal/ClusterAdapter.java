package io.windsock.redis.internal;

import static io.windsock.redis.internal.ClusterMessageType.BROADCAST;
import static io.windsock.redis.internal.ClusterMessageType.BROADCAST_ACK;
import static io.windsock.redis.internal.ClusterMessageType.BROADCAST_CLIENT_COUNT;
import static io.windsock.redis.internal.ClusterMessageType.DISCONNECT_SOCKETS;
import static io.windsock.redis.internal.ClusterMessageType.FETCH_SOCKETS;
import static io.windsock.redis.internal.ClusterMessageType.FETCH_SOCKETS_RESPONSE;
import static io.windsock.redis.internal.ClusterMessageType.SERVER_SIDE_EMIT;
import static io.windsock.redis.internal.ClusterMessageType.SERVER_SIDE_EMIT_RESPONSE;
import static io.windsock.redis.internal.ClusterMessageType.SOCKETS_JOIN;
import static io.windsock.redis.internal.ClusterMessageType.SOCKETS_LEAVE;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The cluster adapter of socket.io-adapter 2.5 ({@code ClusterAdapter}), whatever carries its
 * messages: local sockets are served by the in-memory part at once; what other nodes must do is
 * published as a {@link ClusterMessage} without waiting; requests that wait for the other nodes
 * (fetchSockets, serverSideEmit with acks) expect {@code serverCount() - 1} responses, matched by
 * request id, sent to the requester's own address ({@link #publishResponse}). A transport
 * implements {@link #publish(ClusterMessage)}, {@link #publishResponse(String, ClusterMessage)} and
 * {@link #serverCount()}, and hands what it receives to {@link #onMessage} or {@link #onResponse}
 * (on its I/O thread: nothing here blocks; server-side events run on the handler executor).
 */
public abstract class ClusterAdapter extends InMemoryAdapter {
    private static final Logger log = Loggers.REDIS;
    private static final int EVENT = 2;

    protected final ClusterCodec codec;
    protected final Duration requestTimeout;
    private final String uid = randomId();
    private final Map<String, PendingRequest<ClusterMessage>> requests = new ConcurrentHashMap<>();
    private final AckRequests ackRequests = new AckRequests();
    private final AtomicBoolean closed = new AtomicBoolean();

    protected ClusterAdapter(AdapterNamespace namespace, ClusterCodec codec, Duration requestTimeout) {
        this(namespace, codec, requestTimeout, true);
    }

    /** @param storesRecovery false for a transport that stores events and sessions itself (see {@link InMemoryAdapter}) */
    protected ClusterAdapter(AdapterNamespace namespace, ClusterCodec codec, Duration requestTimeout,
                             boolean storesRecovery) {
        super(namespace, storesRecovery);
        this.codec = codec;
        this.requestTimeout = requestTimeout;
    }

    /** @return 8 random bytes in hex, as Node's cluster adapter makes uids and request ids */
    static String randomId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** @return this node's id for this namespace */
    public String uid() {
        return uid;
    }

    protected boolean isClosed() {
        return closed.get();
    }

    /** Sends a message to every other node; the stage fails when it could not be sent. Never blocks. */
    protected abstract CompletionStage<?> publish(ClusterMessage message);

    /** Sends a response to the node {@code requesterUid} only. Never blocks. */
    protected abstract CompletionStage<?> publishResponse(String requesterUid, ClusterMessage response);

    private ClusterMessage message(ClusterMessageType type, Object... data) {
        return new ClusterMessage(type, uid, namespace.name(), Messages.object(data));
    }

    /** Publishes; a message the codec or the transport refuses is logged and dropped (the transport counts). */
    private CompletionStage<?> send(ClusterMessage message) {
        try {
            return publish(message);
        } catch (IllegalArgumentException e) {
            log.warn("a {} message in {} cannot be sent to other nodes: {}", message.type(), namespace.name(),
                    e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }

    private void respond(String requesterUid, ClusterMessageType type, Object... data) {
        ClusterMessage response = message(type, data);
        try {
            publishResponse(requesterUid, response);
        } catch (IllegalArgumentException e) {
            log.warn("a {} response in {} cannot be sent: {}", type, namespace.name(), e.getMessage());
        }
    }

    /** Fails the requests still waiting for answers. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IllegalStateException error = new IllegalStateException("the adapter of " + namespace.name() + " closed");
        for (PendingRequest<?> request : List.copyOf(requests.values())) {
            request.fail(error);
        }
        ackRequests.clear();
    }

    // ---- to the other nodes ----

    private static Map<String, Object> packet(SocketPacket packet) {
        return Messages.object("type", EVENT, "data", packet.args());
    }

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions options) {
        if (options.local()) {
            super.broadcast(packet, options);
            return;
        }
        publishBroadcast(packet, options,
                message(BROADCAST, "packet", packet(packet), "opts", Messages.options(options, options.timeout())));
    }

    /**
     * Publishes a broadcast without acks to the other nodes and delivers it to this node's sockets, without
     * waiting for Redis. A transport that gives stored events their offsets overrides it.
     */
    protected void publishBroadcast(SocketPacket packet, BroadcastOptions options, ClusterMessage message) {
        send(message);
        super.broadcast(packet, options);
    }

    /** Publishes as every message to the other nodes is (one the codec refuses is logged), for a transport's overrides. */
    protected final CompletionStage<?> sendToOthers(ClusterMessage message) {
        return send(message);
    }

    @Override
    public void broadcastWithAck(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler) {
        if (!options.local()) {
            Duration timeout = options.timeout() == null ? requestTimeout : options.timeout();
            String requestId = randomId();
            ackRequests.add(requestId, handler, timeout);
            send(message(BROADCAST, "packet", packet(packet), "requestId", requestId,
                    "opts", Messages.options(options, timeout)));
        }
        super.broadcastWithAck(packet, options, handler);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        super.addSockets(options, rooms);
        if (!options.local()) {
            send(message(SOCKETS_JOIN, "opts", Messages.options(options, options.timeout()),
                    "rooms", List.copyOf(rooms)));
        }
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        super.delSockets(options, rooms);
        if (!options.local()) {
            send(message(SOCKETS_LEAVE, "opts", Messages.options(options, options.timeout()),
                    "rooms", List.copyOf(rooms)));
        }
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        super.disconnectSockets(options, close);
        if (!options.local()) {
            send(message(DISCONNECT_SOCKETS, "opts", Messages.options(options, options.timeout()), "close", close));
        }
    }

    @Override
    public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        List<SocketDetails> local = new ArrayList<>();
        for (LocalSocket socket : select(options)) {
            local.add(socket.details());
        }
        if (options.local()) {
            return CompletableFuture.completedFuture(local);
        }
        Duration timeout = options.timeout() == null ? requestTimeout : options.timeout();
        return request(FETCH_SOCKETS, timeout, requestId -> message(FETCH_SOCKETS,
                "opts", Messages.options(options, options.timeout()), "requestId", requestId))
                .thenApply(responses -> Messages.withRemoteSockets(local,
                        responses.stream().map(response -> response.get("sockets")).toList()));
    }

    @Override
    public void serverSideEmit(List<Object> eventAndArgs) {
        send(message(SERVER_SIDE_EMIT, "packet", eventAndArgs));
    }

    @Override
    public CompletionStage<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, Duration timeout) {
        return request(SERVER_SIDE_EMIT, timeout,
                requestId -> message(SERVER_SIDE_EMIT, "requestId", requestId, "packet", eventAndArgs))
                .thenApply(responses -> {
                    List<Object> data = new ArrayList<>(responses.size());
                    for (ClusterMessage response : responses) {
                        data.add(response.get("packet"));
                    }
                    return data;
                });
    }

    /**
     * Publishes a request and waits for one response per other node ({@code serverCount() - 1});
     * fails with a {@code BroadcastTimeoutException} when they do not all answer in time, and at once
     * when the request cannot be published. A request made before the adapter is {@link #ready()} waits
     * for that: until its subscriptions are settled it could not hear the answers, and the count may or
     * may not include a subscription on its way.
     */
    private CompletionStage<List<ClusterMessage>> request(ClusterMessageType type, Duration timeout,
                                                         Function<String, ClusterMessage> build) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the adapter of " + namespace.name()
                    + " is closed"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletionStage<Integer> nodes = ready().thenCompose(v -> serverCount());
        return PendingRequest.countWithin(nodes, timeout, type.name(), closed).thenCompose(count -> {
            int expected = count - 1;
            if (expected <= 0) {
                return CompletableFuture.completedFuture(List.<ClusterMessage>of());
            }
            String requestId = randomId();
            ClusterMessage request = build.apply(requestId);
            PendingRequest<ClusterMessage> pending = new PendingRequest<>(requestId, type.name(), expected,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    () -> requests.remove(requestId));
            requests.put(requestId, pending);
            if (closed.get()) { // closed since the count: close() may not have seen this request
                pending.fail(new IllegalStateException("the adapter of " + namespace.name() + " closed"));
                return pending.future();
            }
            send(request).whenComplete((sent, error) -> {
                if (error != null) {
                    pending.fail(new IllegalStateException(type + " request could not be published: "
                            + error.getMessage(), error));
                }
            });
            return pending.future();
        });
    }

    // ---- from the other nodes ----

    /**
     * Handles a message another node sent to every node (socket.io-adapter's {@code onMessage}).
     *
     * @throws IllegalArgumentException when a message lacks the data or the options its type needs (Node's
     *         adapter fails on those too), or its rooms name no room (Node's selects no socket with them); nothing
     *         was done with it, and the transport counts and logs it
     */
    protected void onMessage(ClusterMessage message) {
        onMessage(message, null);
    }

    /**
     * As {@link #onMessage(ClusterMessage)}, for a message read at {@code offset} of a log that stores events
     * for recovery (a stream entry's id): a broadcast it carries that recovery stores reaches this node's
     * sockets with that offset.
     */
    protected void onMessage(ClusterMessage message, String offset) {
        if (closed.get() || uid.equals(message.uid()) || !namespace.name().equals(message.nsp())) {
            return;
        }
        switch (message.type()) {
            case BROADCAST -> onBroadcast(message, offset);
            case SOCKETS_JOIN -> super.addSockets(options(message), Messages.rooms(message.get("rooms")));
            case SOCKETS_LEAVE -> super.delSockets(options(message), Messages.rooms(message.get("rooms")));
            case DISCONNECT_SOCKETS -> super.disconnectSockets(options(message),
                    Boolean.TRUE.equals(message.get("close")));
            case FETCH_SOCKETS -> {
                List<Object> sockets = new ArrayList<>();
                for (LocalSocket socket : select(options(message))) {
                    sockets.add(Messages.writeSocket(socket.details()));
                }
                respond(message.uid(), FETCH_SOCKETS_RESPONSE, "requestId", message.get("requestId"),
                        "sockets", sockets);
            }
            case SERVER_SIDE_EMIT -> {
                if (message.data() == null) {
                    throw new IllegalArgumentException("a SERVER_SIDE_EMIT message without data, dropped");
                }
                onServerSideEmit(message);
            }
            case BROADCAST_CLIENT_COUNT, BROADCAST_ACK, FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT_RESPONSE ->
                    onResponse(message);
            default -> {
                // heartbeats and ADAPTER_CLOSE belong to the heartbeat variant; this one counts nodes otherwise
            }
        }
    }

    /** @return the sockets a message selects; a message without data or options selects none (it is dropped) */
    private static BroadcastOptions options(ClusterMessage message) {
        return Messages.readOptions(Messages.requireOptions(message.get("opts"), message.type()));
    }

    private void onBroadcast(ClusterMessage message, String offset) {
        BroadcastOptions options = options(message);
        Map<String, Object> packet = Messages.map(message.get("packet"));
        if (!(packet.get("data") instanceof List<?>)) {
            return;
        }
        SocketPacket event = SocketPacket.event(namespace.name(), Messages.copy(packet.get("data")), SocketPacket.NO_ID);
        String requestId = message.requestId();
        if (requestId == null) {
            if (offset != null && namespace.recovery() != null && isStoredForRecovery(event, options)) {
                deliver(event, offset, options);
            } else {
                super.broadcast(event, options);
            }
            return;
        }
        Duration timeout = options.timeout() == null ? requestTimeout : options.timeout();
        super.broadcastWithAck(event, options, new AckRelay(message.uid(), requestId, timeout));
    }

    private void onServerSideEmit(ClusterMessage message) {
        List<Object> data = Messages.copy(message.get("packet"));
        String requestId = message.requestId();
        if (requestId == null) {
            namespace.onServerSideEmit(data, Ack.NONE);
            return;
        }
        AtomicBoolean sent = new AtomicBoolean();
        String requester = message.uid();
        namespace.onServerSideEmit(data, new Ack() {
            @Override
            public boolean requested() {
                return true;
            }

            @Override
            public void send(Object... args) {
                if (sent.compareAndSet(false, true)) { // only one argument is carried, as in Node
                    respond(requester, SERVER_SIDE_EMIT_RESPONSE, "requestId", requestId,
                            "packet", args.length == 0 ? null : args[0]);
                }
            }
        });
    }

    /**
     * A message a transport read on pub/sub (a Redis I/O thread): on {@code responseChannel}, this node's own, an
     * answer to one of its requests; on another, a message to every node. A malformed one is logged at DEBUG and
     * dropped; one that cannot be acted on throws, and the transport's router counts and logs it.
     */
    protected final void onPubSub(String fromChannel, byte[] bytes, String responseChannel) {
        ClusterMessage message;
        try {
            message = ClusterCodec.decodePubSub(bytes);
        } catch (RuntimeException e) {
            log.debug("ignoring a malformed message on {}", fromChannel, e);
            return;
        }
        if (message == null) {
            return;
        }
        if (fromChannel.equals(responseChannel)) {
            onResponse(message);
        } else {
            onMessage(message);
        }
    }

    /** @return how many of this node's broadcasts with acks it still waits answers for (for tests) */
    int pendingAckRequests() {
        return ackRequests.size();
    }

    /** Handles a response to one of this node's requests (socket.io-adapter's {@code onResponse}). */
    protected void onResponse(ClusterMessage response) {
        String requestId = response.requestId();
        if (closed.get() || requestId == null) {
            return;
        }
        switch (response.type()) {
            case BROADCAST_CLIENT_COUNT -> ackRequests.answer(requestId, handler -> {
                if (response.get("clientCount") instanceof Number n) {
                    handler.onClientCount(n.intValue());
                }
            });
            case BROADCAST_ACK -> ackRequests.answer(requestId, handler -> handler.onAck(Arrays.asList(response.get("packet"))));
            case FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT_RESPONSE -> {
                PendingRequest<ClusterMessage> pending = requests.get(requestId);
                if (pending != null) {
                    pending.onResponse(response, response.uid());
                }
            }
            default -> {
                // not a response
            }
        }
    }

    /** Relays this node's part of another node's broadcast with acks: its client count, then each ack. */
    private final class AckRelay implements BroadcastAckHandler {
        private final String requester;
        private final String requestId;
        private final long deadline;

        AckRelay(String requester, String requestId, Duration timeout) {
            this.requester = requester;
            this.requestId = requestId;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public void onClientCount(int count) {
            respond(requester, BROADCAST_CLIENT_COUNT, "requestId", requestId, "clientCount", count);
        }

        @Override
        public void onAck(List<Object> args) {
            respond(requester, BROADCAST_ACK, "requestId", requestId, "packet", args.isEmpty() ? null : args.get(0));
        }

        @Override
        public boolean isDone() {
            return System.nanoTime() - deadline > 0;
        }
    }
}
