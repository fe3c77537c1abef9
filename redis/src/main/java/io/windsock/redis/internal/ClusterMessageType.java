package io.windsock.redis.internal;

/**
 * The message types of socket.io-adapter 2.5's cluster adapter, numbered as on the wire. The sharded
 * Redis adapter and the Redis Streams adapter both speak them.
 */
public enum ClusterMessageType {
    INITIAL_HEARTBEAT(1, false),
    HEARTBEAT(2, false),
    BROADCAST(3, true),
    SOCKETS_JOIN(4, false),
    SOCKETS_LEAVE(5, false),
    DISCONNECT_SOCKETS(6, false),
    FETCH_SOCKETS(7, false),
    FETCH_SOCKETS_RESPONSE(8, true),
    SERVER_SIDE_EMIT(9, true),
    SERVER_SIDE_EMIT_RESPONSE(10, true),
    BROADCAST_CLIENT_COUNT(11, false),
    BROADCAST_ACK(12, true),
    ADAPTER_CLOSE(13, false);

    private static final ClusterMessageType[] BY_CODE = new ClusterMessageType[14];

    static {
        for (ClusterMessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean mayContainBinary;

    ClusterMessageType(int code, boolean mayContainBinary) {
        this.code = code;
        this.mayContainBinary = mayContainBinary;
    }

    /** @return the number sent on the wire */
    public int code() {
        return code;
    }

    /** @return whether Node checks this type's data for binary (and then sends msgpack instead of JSON) */
    public boolean mayContainBinary() {
        return mayContainBinary;
    }

    /** @return the type with this wire number, or {@code null} for anything else */
    public static ClusterMessageType of(Object code) {
        if (code instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0
                && n.intValue() < BY_CODE.length) {
            return BY_CODE[n.intValue()];
        }
        return null;
    }
}
