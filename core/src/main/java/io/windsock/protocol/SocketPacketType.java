package io.windsock.protocol;

/** The Socket.IO v5 packet types, in wire order. */
public enum SocketPacketType {
    CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

    private static final SocketPacketType[] VALUES = values();

    public char code() {
        return (char) ('0' + ordinal());
    }

    /** @return the type for an ASCII digit, or {@code null}. */
    public static SocketPacketType fromCode(int c) {
        int i = c - '0';
        return i >= 0 && i < VALUES.length ? VALUES[i] : null;
    }

    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }

    public boolean isEvent() {
        return this == EVENT || this == BINARY_EVENT;
    }

    public boolean isAck() {
        return this == ACK || this == BINARY_ACK;
    }
}
