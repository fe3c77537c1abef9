package io.windsock.server;

/**
 * Refuses a connection to a namespace: thrown by a middleware or an on-open hook, it reaches the
 * client as CONNECT_ERROR {@code {"message": ..., "data": ...}} (a {@code connect_error} event).
 */
public class ConnectError extends RuntimeException {
    private final transient Object data;

    public ConnectError(String message) {
        this(message, null);
    }

    /** @param data any JSON-serializable value the client receives as {@code err.data}, or {@code null} */
    public ConnectError(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Object data() {
        return data;
    }
}
