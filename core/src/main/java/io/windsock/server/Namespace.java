package io.windsock.server;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A namespace ({@code "/"}, {@code "/admin"}): its middlewares, its connection listeners, its sockets.
 * Thread-safe. Register middlewares and listeners before clients connect; later ones apply to later
 * connections.
 */
public interface Namespace {
    String name();

    /** Adds a connect-time middleware; they run in order, before the connection listeners. */
    Namespace use(Middleware middleware);

    /** Adds a listener for new sockets, called on the socket's executor after the client got its CONNECT reply. */
    Namespace onConnection(Consumer<Socket> listener);

    /** Sends an event to every socket of the namespace. */
    void emit(String event, Object... args);

    /** @return the connected sockets, a snapshot. */
    Collection<Socket> sockets();

    Optional<Socket> socket(String id);
}
