package io.windsock.internal.engine.codec;

/** The seven Engine.IO packet types, shared by protocol versions 3 and 4. */
public enum EnginePacketType {
    OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

    private static final EnginePacketType[] VALUES = values();

    /** The single ASCII digit that starts a text-encoded packet. */
    public char code() {
        return (char) ('0' + ordinal());
    }

    /** @return the type for an ASCII digit, or {@code null} when the character is not one. */
    public static EnginePacketType fromCode(int c) {
        int i = c - '0';
        return i >= 0 && i < VALUES.length ? VALUES[i] : null;
    }
}
