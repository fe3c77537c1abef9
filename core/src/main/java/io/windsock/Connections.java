package io.windsock;

import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.dispatch.ConnectionInstaller;
import io.windsock.server.Namespace;
import java.util.function.Supplier;

/**
 * Serves a namespace with a {@link SocketConnection} class after the server is built; before, use
 * {@code Windsock.builder().connections(name, factory)}.
 *
 * <pre>{@code
 * Connections.serve(server.of("/chat"), ChatConnection::new);
 * Connections.serve(server.of(Pattern.compile("/room-\\d+")), RoomConnection::new);  // a dynamic group
 * }</pre>
 */
public final class Connections {
    private Connections() {
    }

    /** Same as {@link #serve(Namespace, Supplier, ConnectionOptions)} with {@link ConnectionOptions#DEFAULT}. */
    public static void serve(Namespace namespace, Supplier<? extends SocketConnection> factory) {
        serve(namespace, factory, ConnectionOptions.DEFAULT);
    }

    /**
     * Makes every client that joins the namespace get its own instance from {@code factory}, whose
     * {@code onOpen} runs as a middleware (after the ones added before, before the ones added after).
     * A socket recovered by connection state recovery gets its session's instance back while it is
     * kept (see {@link SocketConnection}); a connection listener added here serves the recovered
     * sockets that skip the middlewares.
     * Events that have a functional listener ({@code socket.on(...)}) go to that listener instead;
     * the instance takes the socket's {@code fallback} slot.
     *
     * <p>The factory is called once here, and the instance discarded, to learn the class: its
     * handlers are bound now, so a bad signature fails at startup. To avoid that call, name the class:
     * {@link #serve(Namespace, Class, Supplier, ConnectionOptions)}.
     *
     * @param factory must return a new instance on each call
     * @throws IllegalArgumentException naming every handler that cannot be bound
     * @throws IllegalStateException if the namespace is already served by a connection class; a
     *         dynamic group and its namespaces count as one (a namespace starts with a copy of its
     *         group's middlewares), so also for a namespace of a served group, or a group one of
     *         whose namespaces is served
     */
    public static void serve(Namespace namespace, Supplier<? extends SocketConnection> factory,
                             ConnectionOptions options) {
        ConnectionInstaller.install(namespace, factory, options);
    }

    /** Same as {@link #serve(Namespace, Class, Supplier, ConnectionOptions)} with {@link ConnectionOptions#DEFAULT}. */
    public static <T extends SocketConnection> void serve(Namespace namespace, Class<T> type,
                                                          Supplier<? extends T> factory) {
        serve(namespace, type, factory, ConnectionOptions.DEFAULT);
    }

    /**
     * As {@link #serve(Namespace, Supplier, ConnectionOptions)}, with the class named: its handlers are
     * bound now from {@code type}, and {@code factory} is first called when a client joins. Meant for
     * dependency-injection containers ({@code serve(ns, ChatConnection.class, () -> container.get(ChatConnection.class))}),
     * which should not be asked for an instance only to learn its class. An instance of a subclass
     * (a container's proxy) is bound by its own class when it is first seen, except for the hooks:
     * {@code onEvent} and {@code onMessage} are called when {@code type} overrides them, whatever
     * delegating overrides a proxy declares.
     *
     * @throws IllegalArgumentException naming every handler of {@code type} that cannot be bound
     * @throws IllegalStateException if the namespace is already served by a connection class; a
     *         dynamic group and its namespaces count as one (a namespace starts with a copy of its
     *         group's middlewares), so also for a namespace of a served group, or a group one of
     *         whose namespaces is served
     */
    public static <T extends SocketConnection> void serve(Namespace namespace, Class<T> type,
                                                          Supplier<? extends T> factory, ConnectionOptions options) {
        ConnectionInstaller.install(namespace, java.util.Objects.requireNonNull(type, "type"), factory, options);
    }
}
