package io.windsock.server;

/**
 * Refuses a connection to a namespace: thrown by a middleware or an on-open hook, it reaches the
 * client as CONNECT_ERROR {@code {"message": ..., "data": ...}} (a {@code connect_error} event).
 *
 * <p>Any other exception refuses too, but the client then gets only {@code {"message": "internal error"}}
 * and the exception goes to the {@link ErrorHandler}. (The Node server sends the message of any
 * {@code Error} passed to {@code next(err)}; Windsock sends only the text meant for clients.)
 */
public class ConnectError extends Rejection {
    public ConnectError(String message) {
        this(message, null);
    }

    /** @param data any JSON-serializable value the client receives as {@code err.data}, or {@code null} */
    public ConnectError(String message, Object data) {
        super(message, data);
    }
}
