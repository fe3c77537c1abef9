package io.windsock.server;

/**
 * Runs when a client asks to join a namespace, before the socket is connected (authentication,
 * rate limits). Middlewares run in registration order on the connection's serial executor, off the
 * network threads: blocking I/O is allowed. Throw {@link ConnectError} to refuse; any other
 * exception refuses with its message.
 */
@FunctionalInterface
public interface Middleware {
    void handle(Socket socket) throws Exception;
}
