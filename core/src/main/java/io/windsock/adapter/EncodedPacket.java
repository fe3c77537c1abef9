package io.windsock.adapter;

import io.windsock.protocol.SocketPacket;

/**
 * A Socket.IO packet encoded once for all its recipients: every recipient that speaks the same
 * protocol generation sends the same encoded frames. Adapters get instances from
 * {@link AdapterNamespace#encode} and hand them to {@link LocalSocket#send}; the encodings stay
 * inside the server. Immutable.
 */
public interface EncodedPacket {
    /** @return the packet as built, its arguments before encoding (the offset, if any, last). */
    SocketPacket packet();

    /** @return the connection state recovery offset stored with this packet, or {@code null} if not stored. */
    String offset();
}
