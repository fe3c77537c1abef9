package io.windsock.server;

/**
 * Sees every failure in application code and every bad packet: handler exceptions, refused events,
 * decode errors. The default logs them. Never called on a network thread: handler failures are
 * reported on the socket's executor, protocol errors on the handler executor.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * @param socket the socket concerned, or {@code null} when none is known yet
     * @param event  the event being handled, or {@code null}
     * @param error  what went wrong
     */
    void onError(Socket socket, String event, Throwable error);
}
