package io.windsock.internal.engine;

/**
 * Why a request was refused, with the code and message the Node reference server sends as
 * {@code {"code":n,"message":"..."}} and the HTTP status that goes with it.
 */
public enum EngineError {
    UNKNOWN_TRANSPORT(0, "Transport unknown", 400),
    UNKNOWN_SID(1, "Session ID unknown", 400),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method", 400),
    BAD_REQUEST(3, "Bad request", 400),
    FORBIDDEN(4, "Forbidden", 403),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", 400),
    /** maxSessions reached: Node's allowRequest refusal (FORBIDDEN) with a message of our own. */
    TOO_MANY_SESSIONS(4, "Too many sessions", 403);

    private final int code;
    private final String message;
    private final int status;

    EngineError(int code, String message, int status) {
        this.code = code;
        this.message = message;
        this.status = status;
    }

    public int code() {
        return code;
    }

    public String message() {
        return message;
    }

    public int httpStatus() {
        return status;
    }

    /** @return the JSON body of an error response. */
    public String json() {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
}
