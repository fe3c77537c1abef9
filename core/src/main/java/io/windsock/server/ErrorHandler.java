package io.windsock.server;

/**
 * Sees every failure in application code and every bad packet: handler exceptions, refused events,
 * decode errors. The default logs them. Called on the thread where the failure happened.
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
