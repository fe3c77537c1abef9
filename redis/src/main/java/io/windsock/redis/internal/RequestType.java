package io.windsock.redis.internal;

/** The request and response types between nodes, numbered as the Node adapter numbers them. */
public enum RequestType {
    SOCKETS,
    ALL_ROOMS,
    REMOTE_JOIN,
    REMOTE_LEAVE,
    REMOTE_DISCONNECT,
    REMOTE_FETCH,
    SERVER_SIDE_EMIT,
    BROADCAST,
    BROADCAST_CLIENT_COUNT,
    BROADCAST_ACK;

    private static final RequestType[] VALUES = values();

    /** @return the number sent on the wire */
    public int code() {
        return ordinal();
    }

    /** @return the type with this wire number, or {@code null} for a number this adapter does not know */
    public static RequestType of(Object code) {
        if (code instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0
                && n.intValue() < VALUES.length) {
            return VALUES[n.intValue()];
        }
        return null;
    }
}
