package io.windsock.redis.internal;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.EncodedPacket;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.SocketDetails;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A local socket that records each packet delivered to it as "id first-argument" into the test's
 * collection, joins and leaves rooms on its node's adapter and takes its rooms from there. It also
 * keeps what the last delivery carried, the last ack handler and how it was disconnected.
 */
final class RecordingSocket implements LocalSocket {
    private final String id;
    private final Supplier<? extends InMemoryAdapter> adapter;
    private final Collection<String> delivered;
    volatile boolean volatileSeen;
    volatile List<Object> lastArgs;
    volatile Boolean disconnected;
    volatile BroadcastAckHandler handler;

    /**
     * @param adapter the node's adapter, asked for on each use (the node may be made after its sockets)
     * @param delivered where deliveries are recorded
     */
    RecordingSocket(String id, Supplier<? extends InMemoryAdapter> adapter, Collection<String> delivered) {
        this.id = id;
        this.adapter = adapter;
        this.delivered = delivered;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public void send(EncodedPacket packet, BroadcastOptions options) {
        lastArgs = packet.packet().args();
        volatileSeen |= options.volatileFlag();
        delivered.add(id + " " + lastArgs.get(0));
    }

    @Override
    public void expectAck(long ackId, BroadcastAckHandler handler) {
        this.handler = handler;
    }

    @Override
    public void join(Collection<String> rooms) {
        adapter.get().addAll(id, Set.copyOf(rooms));
    }

    @Override
    public void leave(String room) {
        adapter.get().del(id, room);
    }

    @Override
    public void disconnect(boolean close) {
        disconnected = close;
    }

    @Override
    public SocketDetails details() {
        return new SocketDetails(id, null, adapter.get().socketRooms(id), Map.of());
    }
}
