package io.windsock.server;

import java.util.List;

/**
 * Runs for each incoming event of a socket before any listener ({@link Socket#use}): logging, rate
 * limits, authorization per event. Middlewares run in registration order on the socket's executor
 * (never a network thread), before the {@code onAny} listeners (socket.io runs {@code onAny} first;
 * here a rejected event reaches no listener at all).
 *
 * <p>{@code args} is mutable: changes are seen by the next middlewares and the listeners. Throwing
 * rejects the event: no listener runs, and if the client asked for an ack it is answered with one
 * error object. A {@link Rejection} is a deliberate refusal whose message (and data, if any) the
 * client sees: {@code {"error": "rejected", "message": ..., "data": ...}}; any other exception is an
 * application failure, reported to the server's {@link ErrorHandler}, whose text never reaches the
 * client: {@code {"error": "internal_error", "message": "internal error"}}.
 *
 * <p>A middleware that makes the socket leave ({@link Socket#disconnect}) instead of throwing stops
 * the event too, once the middlewares have run: no listener runs and no ack is sent, as in socket.io.
 */
@FunctionalInterface
public interface EventMiddleware {
    void handle(String event, List<Object> args) throws Exception;
}
