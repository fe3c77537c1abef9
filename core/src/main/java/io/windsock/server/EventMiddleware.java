package io.windsock.server;

import java.util.List;

/**
 * Runs for each incoming event of a socket before any listener ({@link Socket#use}): logging, rate
 * limits, authorization per event. Middlewares run in registration order on the socket's executor
 * (never a network thread), before the {@code onAny} listeners (socket.io runs {@code onAny} first;
 * here a rejected event reaches no listener at all).
 *
 * <p>{@code args} is mutable: changes are seen by the next middlewares and the listeners. Throwing
 * rejects the event: no listener runs, and if the client asked for an ack it is answered with
 * {@code {"message": ..., "data": ...}} of a {@link Rejection}; any other exception goes to the
 * server's {@link ErrorHandler} and the ack gets only {@code {"message": "internal error"}}, so
 * exception text never reaches clients.
 */
@FunctionalInterface
public interface EventMiddleware {
    void handle(String event, List<Object> args) throws Exception;
}
