package io.windsock.internal.server;

import io.windsock.server.Rejection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one shape of an error sent in an ack: {@code {"error": <code>, "message": <text>}}, plus
 * {@code "data"} when a {@link Rejection} carries some. The code is stable and machine-readable; the
 * text is for people and may change. CONNECT_ERROR keeps
 * socket.io's own {@code {"message", "data"}} shape and is not built here.
 */
public final class AckErrors {
    /** No handler for the event's name. */
    public static final String UNKNOWN_EVENT = "unknown_event";
    /** The arguments do not fit the handler: missing, extra, or of the wrong type. */
    public static final String BAD_ARGUMENTS = "bad_arguments";
    /** An event middleware refused the event with a {@link Rejection}. */
    public static final String REJECTED = "rejected";
    /** The application failed (a handler or middleware threw); the details stay on the server. */
    public static final String INTERNAL_ERROR = "internal_error";

    private AckErrors() {
    }

    /** @return {@code {"error": code, "message": message}}, in that order. */
    public static Map<String, Object> of(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>(4);
        error.put("error", code);
        error.put("message", message);
        return error;
    }

    /** @return the error for an application failure: its message stays on the server. */
    public static Map<String, Object> internal() {
        return of(INTERNAL_ERROR, Rejection.GENERIC_MESSAGE);
    }

    /**
     * @return the error for an event a middleware refused: a {@link Rejection} is a deliberate
     *         refusal whose message and data the client sees; anything else is an application failure
     */
    static Map<String, Object> rejected(Exception e) {
        if (e instanceof Rejection rejection) {
            Map<String, Object> error = of(REJECTED, rejection.getMessage() == null ? "rejected" : rejection.getMessage());
            if (rejection.data() != null) {
                error.put("data", rejection.data());
            }
            return error;
        }
        return internal();
    }
}
