package io.windsock.internal.server;

import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.ConnectError;
import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A namespace: its middlewares and connection listeners (shared with its group if dynamic), and its sockets. */
public final class NamespaceImpl implements Namespace {
    private final SocketIoServer server;
    private final String name;
    private final List<Middleware> middlewares;
    private final List<Consumer<Socket>> connectionListeners;
    private final Map<String, SocketImpl> sockets = new ConcurrentHashMap<>();

    NamespaceImpl(SocketIoServer server, String name) {
        this(server, name, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    }

    NamespaceImpl(SocketIoServer server, String name, List<Middleware> middlewares,
                  List<Consumer<Socket>> connectionListeners) {
        this.server = server;
        this.name = name;
        this.middlewares = middlewares;
        this.connectionListeners = connectionListeners;
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the server this namespace belongs to: its JSON mapper and error hook (used by dispatch). */
    public SocketIoServer server() {
        return server;
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

    @Override
    public void emit(String event, Object... args) {
        if (sockets.isEmpty()) {
            return;
        }
        SocketPacket packet = SocketPacket.event(name, SocketImpl.eventList(event, args), SocketPacket.NO_ID);
        var encoded = Client.toEnginePackets(server.encoder().encode(packet));
        for (SocketImpl socket : sockets.values()) {
            socket.client().writeEncoded(encoded);
        }
    }

    @Override
    public Collection<Socket> sockets() {
        return new ArrayList<>(sockets.values());
    }

    @Override
    public Optional<Socket> socket(String id) {
        return Optional.ofNullable(sockets.get(id));
    }

    /** Runs the middlewares, then connects the socket and calls the connection listeners. On the socket's executor. */
    void connect(SocketImpl socket) {
        for (Middleware middleware : middlewares) {
            try {
                middleware.handle(socket);
            } catch (Exception e) {
                refuse(socket, e);
                return;
            }
        }
        sockets.put(socket.id(), socket);
        if (!socket.markConnected()) {
            sockets.remove(socket.id());
            return;
        }
        for (Consumer<Socket> listener : connectionListeners) {
            try {
                listener.accept(socket);
            } catch (RuntimeException e) {
                server.errorHandler().onError(socket, "connection", e);
            }
        }
    }

    void remove(SocketImpl socket) {
        sockets.remove(socket.id(), socket);
    }

    private void refuse(SocketImpl socket, Exception e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (e instanceof ConnectError ce && ce.data() != null) {
            error.put("data", ce.data());
        } else if (!(e instanceof ConnectError)) {
            server.errorHandler().onError(socket, "connection", e);
        }
        socket.client().remove(socket);
        socket.client().write(new SocketPacket(SocketPacketType.CONNECT_ERROR, name, SocketPacket.NO_ID, error));
        socket.onClose(io.windsock.server.DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }

    @Override
    public String toString() {
        return "Namespace[" + name + "]";
    }
}
