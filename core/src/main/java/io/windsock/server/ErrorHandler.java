package io.windsock.server;

/**
 * Sees every failure in application code and every bad packet: handler exceptions, refused events,
 * decode errors. The default logs them. Never called on a network thread: handler failures are
 * reported on the socket's executor, protocol errors on the handler executor.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * The logger the default handler writes to, a name that does not change with Windsock's classes:
     * a client's errors at WARN (at most 10 lines a minute, escaped and cut: a client can cause one per
     * packet), the application's at ERROR with their stack trace. Windsock's other logger names, each
     * as stable and under {@code io.windsock}, are listed in the project's docs/logging.md.
     */
    String DEFAULT_LOGGER = "io.windsock.errors";

    /**
     * @param socket the socket concerned, or {@code null} when none is known yet
     * @param event  the event being handled, or {@code null}
     * @param error  what went wrong
     */
    void onError(Socket socket, String event, Throwable error);
}
