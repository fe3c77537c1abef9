package io.windsock.internal.server;

import io.windsock.server.BroadcastOperator;
import io.windsock.server.EventListener;
import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A group of namespaces created on demand when a client asks for a name the matcher accepts
 * (socket.io's parent namespace).
 *
 * <p>As in Node's {@code ParentNamespace.createChild}, a new child gets a copy of the group's
 * middlewares and connection listeners as they are at that moment: ones added to the group later reach
 * children created later, not live ones, and ones added to a child ({@code server.of(name)},
 * {@code socket.namespace()}) stay on that child. Server-side event listeners are not copied: the
 * group's reach every child, present and future, unless the child registered its own for that event
 * (Node has no group-wide ones).
 *
 * <p>A child lives while it has members (sockets connected or joining) and is removed, its adapter
 * closed, when the last one leaves: socket.io's {@code cleanupEmptyChildNamespaces}, which is off by
 * default in Node and always on here, since otherwise any client could create namespaces at will.
 * A CONNECT refused by the middlewares therefore leaves nothing behind. See
 * {@code WindsockOptions.maxDynamicNamespaces} for the cap.
 *
 * <p>Operations on the group loop over the children of this node: on a cluster a child may exist on
 * other nodes only, so fetchSockets refuses (as Node's ParentNamespace) and the others miss it
 * (documented on {@code Windsock.of(Pattern)}).
 */
public final class DynamicNamespaces implements Namespace {
    private final SocketIoServer server;
    private final NamespaceMatcher matcher;
    private final String description;
    private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<String, EventListener> serverSideListeners = new ConcurrentHashMap<>();
    private final Map<String, NamespaceImpl> children = new ConcurrentHashMap<>();
    private final Supplier<Collection<NamespaceImpl>> targets = children::values;

    DynamicNamespaces(SocketIoServer server, NamespaceMatcher matcher, String description) {
        this.server = server;
        this.matcher = matcher;
        this.description = description;
    }

    NamespaceMatcher matcher() {
        return matcher;
    }

    /** @return the server of the group's namespaces: its JSON mapper (used by dispatch). */
    public SocketIoServer server() {
        return server;
    }

    /**
     * A new child namespace with a copy of the group's middlewares and connection listeners (see the
     * class comment). Inside the server's compute on the name.
     */
    NamespaceImpl create(String name) {
        NamespaceImpl child = new NamespaceImpl(server, name, this,
                new CopyOnWriteArrayList<>(middlewares), new CopyOnWriteArrayList<>(connectionListeners));
        children.put(name, child);
        return child;
    }

    /** @return the group's listener for a server-side event, or null. */
    EventListener serverSideListener(String event) {
        return serverSideListeners.get(event);
    }

    /** A child was removed (it became empty). */
    void forget(NamespaceImpl child) {
        children.remove(child.name(), child);
    }

    /** @return the description of the group (the pattern it was made from). */
    @Override
    public String name() {
        return description;
    }

    /** For children created from now on (Node's copy at creation), not live ones. */
    @Override
    public Namespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /** For children created from now on (Node's copy at creation), not live ones. */
    @Override
    public Namespace onConnection(Consumer<Socket> listener) {
        connectionListeners.add(listener);
        return this;
    }

    /** Sends to every socket of every namespace of the group. */
    @Override
    public void emit(String event, Object... args) {
        broadcast().emit(event, args);
    }

    /**
     * @return an operator over every namespace of the group that exists on this node (each action
     *         applies to each such child, across the cluster for its name); its fetchSockets refuses
     *         unless local (see {@code Windsock.of(Pattern)})
     */
    @Override
    public BroadcastOperator broadcast() {
        return BroadcastOperatorImpl.overGroup(targets);
    }

    @Override
    public Set<String> rooms() {
        Set<String> all = new HashSet<>();
        for (NamespaceImpl child : children.values()) {
            all.addAll(child.rooms());
        }
        return all;
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        for (NamespaceImpl child : children.values()) {
            child.serverSideEmit(event, args);
        }
    }

    /** Not supported on a group: which children's answers to wait for is undefined. */
    @Override
    public CompletableFuture<List<Object>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        throw new UnsupportedOperationException("serverSideEmitWithAck on a dynamic namespace group; use one namespace");
    }

    /**
     * Registers the listener for every namespace of the group, present and future, except a child that
     * registered its own for this event.
     */
    @Override
    public Namespace onServerSideEmit(String event, EventListener listener) {
        serverSideListeners.put(event, listener);
        return this;
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
