package io.windsock.adapter;

import io.windsock.engine.protocol.EnginePacket;
import io.windsock.protocol.SocketPacket;
import java.util.List;
import java.util.Objects;

/**
 * A Socket.IO packet encoded once for all its recipients: the same Engine.IO packets (the same
 * strings and byte arrays) go to every socket. Made by {@link AdapterNamespace#encode}. Immutable.
 */
public final class EncodedPacket {
    private final SocketPacket packet;
    private final List<EnginePacket> enginePackets;
    private final String offset;

    EncodedPacket(SocketPacket packet, List<EnginePacket> enginePackets, String offset) {
        this.packet = Objects.requireNonNull(packet, "packet");
        this.enginePackets = List.copyOf(enginePackets);
        this.offset = offset;
    }

    /**
     * For the namespace implementation only: adapters get instances from {@link AdapterNamespace#encode}.
     */
    public static EncodedPacket of(SocketPacket packet, List<EnginePacket> enginePackets, String offset) {
        return new EncodedPacket(packet, enginePackets, offset);
    }

    /** @return the packet as built, its arguments before encoding (the offset, if any, last). */
    public SocketPacket packet() {
        return packet;
    }

    /** @return the text packet, then its binary attachments; shared, never modify. */
    public List<EnginePacket> enginePackets() {
        return enginePackets;
    }

    /** @return the connection state recovery offset stored with this packet, or {@code null} if not stored. */
    public String offset() {
        return offset;
    }
}
