package io.windsock.internal.protocol;

/** A malformed or over-limit Socket.IO packet. The client that sent it is disconnected ("forced close"). */
public final class SocketDecodeException extends Exception {
    /** What was wrong, for logs and tests. */
    public enum Reason {
        EMPTY_PACKET, UNKNOWN_TYPE, ILLEGAL_ATTACHMENTS, TOO_MANY_ATTACHMENTS, ACK_ID_TOO_LONG, INVALID_JSON,
        /** Valid JSON past a bound of the reader: nesting depth, number or document length. */
        JSON_LIMIT,
        INVALID_PAYLOAD, PACKET_TOO_LARGE, UNEXPECTED_BINARY, UNEXPECTED_TEXT, BAD_PLACEHOLDER
    }

    private final Reason reason;

    public SocketDecodeException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
