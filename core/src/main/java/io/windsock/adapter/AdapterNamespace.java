package io.windsock.adapter;

import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import io.windsock.server.ConnectionStateRecovery;
import java.util.List;

/**
 * What an {@link Adapter} sees of the namespace it serves on this node. Thread-safe.
 */
public interface AdapterNamespace {
    /** @return the namespace's name, {@code "/"} for the main one. */
    String name();

    /** @return the socket with this id connected (or connecting) to this node, or {@code null}. */
    LocalSocket localSocket(String id);

    /**
     * Encodes a packet once for all its recipients.
     *
     * @param offset the connection state recovery offset the packet carries as its last argument,
     *               or {@code null} when the packet is not stored
     */
    EncodedPacket encode(SocketPacket packet, String offset);

    /** @return a fresh ack id, unique among this namespace's pending acks on this node. */
    long nextAckId();

    /** @return the connection state recovery settings, or {@code null} when recovery is off. */
    ConnectionStateRecovery recovery();

    /**
     * Delivers a server-side event another node sent ({@code serverSideEmit}) to this namespace's
     * listeners. {@code ack} answers the sending node, or is {@link Ack#NONE}.
     */
    void onServerSideEmit(List<Object> eventAndArgs, Ack ack);
}
