package io.windsock.adapter;

import java.util.Collection;

/**
 * A socket connected to this node, as an adapter sees it: it can be sent encoded packets and asked
 * for acks. Every method is thread-safe and returns at once (packets are queued, never written on
 * the caller's thread).
 */
public interface LocalSocket {
    String id();

    /**
     * @return whether the socket passed its middlewares and got its CONNECT reply. One still
     *         connecting is in its rooms (to hold what they are sent, see {@link #send}) but, as in
     *         socket.io, is not yet counted for acks, fetched, moved between rooms or disconnected.
     */
    boolean isConnected();

    /**
     * Queues an encoded packet for this socket's client, in order with everything else it is sent.
     * Dropped when the socket has left; with {@link BroadcastOptions#volatileFlag()}, also dropped
     * when the client cannot take a packet right now (nothing is waiting on its transport). A
     * socket still connecting (in its middlewares, or recovering) holds packets and sends them
     * right after its CONNECT reply. The socket's outgoing catch-all listeners see the event.
     */
    void send(EncodedPacket packet, BroadcastOptions options);

    /**
     * Registers a broadcast's ack id on this socket: the client's ACK with that id goes to the
     * handler. The registration is dropped when the socket leaves or the handler reports it is done.
     */
    void expectAck(long ackId, BroadcastAckHandler handler);

    /** Joins rooms (through the namespace's adapter). */
    void join(Collection<String> rooms);

    /** Leaves a room (through the namespace's adapter). */
    void leave(String room);

    /** Disconnects the socket; with {@code close}, closes its whole connection. */
    void disconnect(boolean close);

    /** @return a snapshot of the socket's id, handshake, rooms and data. */
    SocketDetails details();
}
