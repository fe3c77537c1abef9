package io.windsock.server;

/**
 * Runs when a client asks to join a namespace, before the socket is connected (authentication,
 * rate limits). Middlewares run in registration order on the connection's serial executor, off the
 * network threads: blocking I/O is allowed. Throw {@link ConnectError} to refuse with a message (and
 * data) the client sees; any other exception refuses too, goes to the {@link ErrorHandler}, and the
 * client gets only {@code {"message": "internal error"}} ({@link Rejection#GENERIC_MESSAGE}: exception text
 * never reaches clients).
 */
@FunctionalInterface
public interface Middleware {
    void handle(Socket socket) throws Exception;
}
