package io.windsock.internal.engine.codec;

/** A malformed Engine.IO packet or payload. The session that sent it is closed with "parse error". */
public final class EngineDecodeException extends Exception {
    /** What was wrong, for logs and tests. */
    public enum Reason { EMPTY_PACKET, UNKNOWN_TYPE, BAD_BASE64, BAD_LENGTH, PAYLOAD_TOO_LARGE, TOO_MANY_PACKETS,
        /** A body of a content type the revision does not take (v4: a binary one). */
        INVALID_CONTENT,
        /** A text packet in a v3 binary payload that is not UTF-8. */
        INVALID_UTF8 }

    private final Reason reason;

    public EngineDecodeException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
