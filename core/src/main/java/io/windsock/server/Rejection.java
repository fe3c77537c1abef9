package io.windsock.server;

/**
 * Refuses something a client asked for, with a message (and optional data) the client is meant to
 * see. It is the only exception whose text reaches clients: anything else thrown by a middleware, an
 * on-open hook or a handler is reported to the {@link ErrorHandler} and the client gets a generic
 * {@value #GENERIC_MESSAGE}, so exception text (a database URL, a file path) never leaks.
 *
 * <p>Thrown by a connection middleware or on-open hook, use its subclass {@link ConnectError}. Thrown by
 * an {@link EventMiddleware}, it answers the event's ack with {@code {"message": ..., "data": ...}}.
 */
public class Rejection extends RuntimeException {
    /** What a client is told when the server failed for a reason it must not see. */
    public static final String GENERIC_MESSAGE = "internal error";

    private final transient Object data;

    public Rejection(String message) {
        this(message, null);
    }

    /** @param data any JSON-serializable value the client receives as {@code err.data}, or {@code null} */
    public Rejection(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Object data() {
        return data;
    }
}
