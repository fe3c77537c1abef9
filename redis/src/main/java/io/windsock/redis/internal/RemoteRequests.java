package io.windsock.redis.internal;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.LocalSocket;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers the requests other nodes publish on a namespace's request channel, as the Node adapter
 * answers them (same response fields; JSON, except BROADCAST_ACK in msgpack). Requests this node
 * published itself are skipped: it applied them locally before publishing.
 */
final class RemoteRequests {
    private RemoteRequests() {
    }

    /**
     * @throws IllegalArgumentException when a request that selects sockets has options that are not a map, or
     *         rooms that name no room: nothing was done with it (the connection counts and logs it)
     */
    static void handle(RedisAdapter adapter, Map<String, Object> request) {
        RequestType type = RequestType.of(request.get("type"));
        if (type == null || adapter.ownUid().equals(request.get("uid")) || adapter.isOwnRequest(request.get("requestId"))) {
            return;
        }
        Object requestId = request.get("requestId");
        Object requesterUid = request.get("uid");
        switch (type) {
            case SOCKETS -> {
                List<String> ids = new ArrayList<>();
                for (LocalSocket socket : adapter.localSockets(BroadcastOptions.to(Messages.selectedRooms(request.get("rooms"))))) {
                    ids.add(socket.id());
                }
                respond(adapter, requesterUid, Messages.object("requestId", requestId, "sockets", ids));
            }
            case ALL_ROOMS -> respond(adapter, requesterUid,
                    Messages.object("requestId", requestId, "rooms", List.copyOf(adapter.rooms())));
            case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> membership(adapter, type, request);
            case REMOTE_FETCH -> {
                List<Object> sockets = new ArrayList<>();
                for (LocalSocket socket : adapter.localSockets(selection(request.get("opts"), type))) {
                    sockets.add(Messages.writeSocket(socket.details()));
                }
                respond(adapter, requesterUid, Messages.object("requestId", requestId, "sockets", sockets));
            }
            case SERVER_SIDE_EMIT -> serverSideEmit(adapter, request);
            case BROADCAST -> broadcast(adapter, request);
            default -> {
                // responses never arrive on the request channel
            }
        }
    }

    /**
     * @throws IllegalArgumentException when the options are not a map (see {@link Messages#requireOptions}), or
     *         their rooms select no socket ({@link Messages#selectedRooms})
     */
    private static BroadcastOptions selection(Object rawOptions, RequestType type) {
        Map<String, Object> raw = Messages.requireOptions(rawOptions, type);
        return new BroadcastOptions(Messages.selectedRooms(raw.get("rooms")), Messages.rooms(raw.get("except")), false,
                true, true, null);
    }

    private static void membership(RedisAdapter adapter, RequestType type, Map<String, Object> request) {
        // Options select the sockets; without them, the older form names one socket. Options that are not a
        // map are dropped (Node reads any truthy value as options: a number there selected every socket).
        if (request.get("opts") != null) {
            BroadcastOptions options = selection(request.get("opts"), type);
            Set<String> rooms = Messages.rooms(request.get("rooms"));
            switch (type) {
                case REMOTE_JOIN -> adapter.addLocal(options, rooms);
                case REMOTE_LEAVE -> adapter.delLocal(options, rooms);
                default -> adapter.disconnectLocal(options, Boolean.TRUE.equals(request.get("close")));
            }
            return;
        }
        // The older form: one socket by id, answered once it is done.
        if (!(request.get("sid") instanceof String sid)) {
            return;
        }
        LocalSocket socket = adapter.adapterNamespace().localSocket(sid);
        if (socket == null) {
            return;
        }
        String room = Messages.roomName(request.get("room"));
        switch (type) {
            case REMOTE_JOIN -> {
                if (room != null) {
                    socket.join(List.of(room));
                }
            }
            case REMOTE_LEAVE -> {
                if (room != null) {
                    socket.leave(room);
                }
            }
            default -> socket.disconnect(Boolean.TRUE.equals(request.get("close")));
        }
        respond(adapter, request.get("uid"), Messages.object("requestId", request.get("requestId")));
    }

    private static void serverSideEmit(RedisAdapter adapter, Map<String, Object> request) {
        List<Object> data = Messages.copy(request.get("data"));
        Object requestId = request.get("requestId");
        if (requestId == null) {
            adapter.onServerSideEmit(data, Ack.NONE);
            return;
        }
        AtomicBoolean sent = new AtomicBoolean();
        adapter.onServerSideEmit(data, new Ack() {
            @Override
            public boolean requested() {
                return true;
            }

            @Override
            public void send(Object... args) {
                if (sent.compareAndSet(false, true)) { // only one argument is carried, as in Node
                    adapter.publishServerSideAck(adapter.codec().json(Messages.object(
                            "type", RequestType.SERVER_SIDE_EMIT.code(), "requestId", requestId,
                            "data", args.length == 0 ? null : args[0])));
                }
            }
        });
    }

    private static void broadcast(RedisAdapter adapter, Map<String, Object> request) {
        Map<String, Object> packet = Messages.map(request.get("packet"));
        if (!(packet.get("data") instanceof List<?>)) {
            return;
        }
        BroadcastOptions options = Messages.readOptions(Messages.requireOptions(request.get("opts"), RequestType.BROADCAST));
        Duration timeout = options.timeout() == null ? adapter.requestTimeout() : options.timeout();
        String name = adapter.adapterNamespace().name();
        adapter.broadcastWithAckLocal(SocketPacket.event(name, Messages.copy(packet.get("data")), SocketPacket.NO_ID),
                options, new AckRelay(adapter, request.get("uid"), request.get("requestId"), timeout));
    }

    private static void respond(RedisAdapter adapter, Object requesterUid, Map<String, Object> response) {
        adapter.publishResponse(requesterUid, adapter.codec().json(response));
    }

    /** Relays this node's part of another node's broadcast with acks: its client count, then each ack. */
    private static final class AckRelay implements BroadcastAckHandler {
        private final RedisAdapter adapter;
        private final Object requesterUid;
        private final Object requestId;
        private final long deadline;

        AckRelay(RedisAdapter adapter, Object requesterUid, Object requestId, Duration timeout) {
            this.adapter = adapter;
            this.requesterUid = requesterUid;
            this.requestId = requestId;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public void onClientCount(int count) {
            respond(adapter, requesterUid, Messages.object("type", RequestType.BROADCAST_CLIENT_COUNT.code(),
                    "requestId", requestId, "clientCount", count));
        }

        @Override
        public void onAck(List<Object> args) {
            adapter.publishResponse(requesterUid, adapter.codec().msgpack(Messages.object(
                    "type", RequestType.BROADCAST_ACK.code(), "requestId", requestId,
                    "packet", args.isEmpty() ? null : args.get(0))));
        }

        @Override
        public boolean isDone() {
            return System.nanoTime() - deadline > 0;
        }
    }
}
