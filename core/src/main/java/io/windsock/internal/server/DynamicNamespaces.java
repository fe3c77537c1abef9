package io.windsock.internal.server;

import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A group of namespaces created on demand when a client asks for a name the matcher accepts
 * (socket.io's parent namespace). Middlewares and listeners registered here apply to every child.
 */
final class DynamicNamespaces implements Namespace {
    private final SocketIoServer server;
    private final NamespaceMatcher matcher;
    private final String description;
    private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<String, NamespaceImpl> children = new ConcurrentHashMap<>();

    DynamicNamespaces(SocketIoServer server, NamespaceMatcher matcher, String description) {
        this.server = server;
        this.matcher = matcher;
        this.description = description;
    }

    NamespaceMatcher matcher() {
        return matcher;
    }

    NamespaceImpl create(String name) {
        NamespaceImpl child = new NamespaceImpl(server, name, middlewares, connectionListeners);
        children.put(name, child);
        return child;
    }

    /** @return the description of the group (the pattern it was made from). */
    @Override
    public String name() {
        return description;
    }

    @Override
    public Namespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    @Override
    public Namespace onConnection(Consumer<Socket> listener) {
        connectionListeners.add(listener);
        return this;
    }

    /** Sends to every socket of every namespace of the group. */
    @Override
    public void emit(String event, Object... args) {
        for (NamespaceImpl child : children.values()) {
            child.emit(event, args);
        }
    }

    @Override
    public Collection<Socket> sockets() {
        List<Socket> all = new ArrayList<>();
        for (NamespaceImpl child : children.values()) {
            all.addAll(child.sockets());
        }
        return all;
    }

    @Override
    public Optional<Socket> socket(String id) {
        for (NamespaceImpl child : children.values()) {
            Optional<Socket> socket = child.socket(id);
            if (socket.isPresent()) {
                return socket;
            }
        }
        return Optional.empty();
    }
}
