package io.windsock.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Socket.IO packet, decoded or about to be encoded.
 *
 * <p>{@code data} is a plain Java JSON value: {@code Map<String, Object>}, {@code List<Object>},
 * {@code String}, {@code Number}, {@code Boolean} or {@code null}; binary parts are {@code byte[]}
 * (a {@link java.nio.ByteBuffer} is accepted when encoding). For EVENT and ACK packets it is a
 * {@code List} of arguments, the event name first for EVENT.
 *
 * @param type      the packet type; an EVENT or ACK with binary parts is promoted to its binary
 *                  type by the encoder
 * @param namespace the namespace, {@code "/"} for the main one
 * @param id        the ack id, or {@link #NO_ID}
 * @param data      the payload, or {@code null} when absent
 */
public record SocketPacket(SocketPacketType type, String namespace, long id, Object data) {
    public static final long NO_ID = -1;
    /** Event names that are the sockets' own lifecycle events: no client and no server emits them. */
    public static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    public SocketPacket {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
    }

    public static SocketPacket event(String namespace, List<Object> nameAndArgs, long id) {
        return new SocketPacket(SocketPacketType.EVENT, namespace, id, nameAndArgs);
    }

    public static SocketPacket ack(String namespace, long id, List<Object> args) {
        return new SocketPacket(SocketPacketType.ACK, namespace, id, args);
    }

    public boolean hasId() {
        return id != NO_ID;
    }

    /** @return the payload as a list (EVENT and ACK packets), never {@code null}. */
    @SuppressWarnings("unchecked")
    public List<Object> args() {
        return data instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
