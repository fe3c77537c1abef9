package io.windsock.internal.server;

import io.windsock.engine.EngineScheduler;
import io.windsock.engine.EngineSession;
import io.windsock.engine.protocol.EnginePacket;
import io.windsock.internal.log.LogSafe;
import io.windsock.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketDecoder;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.ClientError;
import io.windsock.server.Connection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Rejection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Engine.IO connection seen by the Socket.IO layer: decodes its packets, routes them to its
 * sockets (one per joined namespace), and closes it when no namespace is joined in time.
 * Decoding and routing run on the session's scheduler thread; writes may come from any thread.
 */
final class Client implements EngineSession.Handler, Connection {
    private static final Map<String, Object> INVALID_NAMESPACE = Map.of("message", "Invalid namespace");
    private static final Map<String, Object> TOO_MANY_FOR_CLIENT =
            Map.of("message", "Too many namespaces for this connection");

    private final SocketIoServer server;
    private final EngineSession session;
    private final SocketPacketDecoder decoder;
    private final ReadGate readGate;
    /** Wire bytes of the packet being decoded (its text, then its binary attachments). Scheduler thread. */
    private long packetBytes;
    /** Joined (or joining) namespaces by name. Written on the scheduler thread and by socket executors. */
    private final Map<String, SocketImpl> sockets = new ConcurrentHashMap<>();
    private EngineScheduler.Cancellable connectTimeout = EngineScheduler.Cancellable.NONE;
    private volatile boolean closed;

    Client(SocketIoServer server, EngineSession session) {
        this.server = server;
        this.session = session;
        this.decoder = new SocketPacketDecoder(server.json(), server.options().limits());
        this.readGate = new ReadGate(session, server.stats());
    }

    void start() {
        session.setHandler(this);
        server.clientOpened(this);
        connectTimeout = session.scheduler().schedule(() -> {
            if (sockets.isEmpty() && !closed) {
                session.close();
            }
        }, server.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    EngineSession session() {
        return session;
    }

    SocketIoServer server() {
        return server;
    }

    /** @return whether the sockets were closed (the connection is gone for the Socket.IO layer). */
    boolean hasClosed() {
        return closed;
    }

    // ---- the public view (Connection), any thread ----

    @Override
    public String id() {
        return session.id();
    }

    @Override
    public String transport() {
        return session.transportName();
    }

    @Override
    public boolean isUpgraded() {
        return session.isUpgraded();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return session.request().remoteAddress();
    }

    @Override
    public boolean isClosed() {
        return closed || session.state() != EngineSession.State.OPEN;
    }

    /** As Node's {@code socket.conn.close()}: the engine closes ("forced close"), no DISCONNECT is sent. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "Connection[" + session.id() + "]";
    }

    ReadGate readGate() {
        return readGate;
    }

    // ---- from the engine, on the scheduler thread ----

    @Override
    public void onMessage(EngineSession s, String text) {
        if (closed) {
            return; // read before the close took effect: nothing is deliverable any more
        }
        try {
            packetBytes = text.length();
            SocketPacket packet = decoder.decode(text);
            if (packet != null) {
                route(packet, packetBytes);
            }
        } catch (SocketDecodeException e) {
            onDecodeError(e);
        }
    }

    @Override
    public void onBinary(EngineSession s, byte[] data) {
        if (closed) {
            return;
        }
        try {
            packetBytes += data.length;
            SocketPacket packet = decoder.addBinary(data);
            if (packet != null) {
                route(packet, packetBytes);
            }
        } catch (SocketDecodeException e) {
            onDecodeError(e);
        }
    }

    @Override
    public void onClose(EngineSession s, String reason) {
        closeAll(DisconnectReason.fromEngine(reason));
    }

    private void route(SocketPacket packet, long size) {
        String namespace = packet.namespace();
        SocketImpl socket = sockets.get(namespace);
        if (socket == null && packet.type() == SocketPacketType.CONNECT) {
            connect(namespace, packet.data());
        } else if (socket != null && packet.type() != SocketPacketType.CONNECT
                && packet.type() != SocketPacketType.CONNECT_ERROR) {
            socket.onPacket(packet, size);
        } else {
            // A packet for a namespace not joined, or a second CONNECT: the reference closes the connection.
            server.reportError(socket, null, new ClientError("invalid state: " + packet.type()
                    + " for namespace " + LogSafe.text(namespace) + " from client " + session.id()));
            close(DisconnectReason.FORCED_SERVER_CLOSE);
        }
    }

    @SuppressWarnings("unchecked")
    private void connect(String name, Object auth) {
        if (closed) {
            return;
        }
        Map<String, Object> authMap = auth instanceof Map ? (Map<String, Object>) auth : Map.of();
        if (sockets.size() >= server.options().maxNamespacesPerClient()) {
            server.warnings().warn("namespaces-per-client", "refused namespace {} for client {}: {} namespaces joined"
                    + " (maxNamespacesPerClient)", LogSafe.text(name), session.id(), sockets.size());
            refuse(name, TOO_MANY_FOR_CLIENT);
            return;
        }
        NamespaceImpl namespace;
        try {
            namespace = server.join(name, authMap);
        } catch (Rejection e) {
            refuse(name, Map.of("message", e.getMessage()));
            return;
        }
        if (namespace == null) {
            refuse(name, INVALID_NAMESPACE);
            return;
        }
        // From here the socket is a member of the namespace until its close has run (see SocketImpl).
        SocketImpl socket = new SocketImpl(namespace, this, authMap);
        sockets.put(name, socket);
        socket.executor().execute(() -> namespace.connect(socket));
    }

    private void refuse(String namespace, Map<String, Object> error) {
        write(new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, SocketPacket.NO_ID, error));
    }

    private void onDecodeError(SocketDecodeException e) {
        server.reportError(null, null,
                new ClientError("bad packet from client " + session.id() + ": " + LogSafe.text(e.getMessage())));
        closeAll(DisconnectReason.PARSE_ERROR);
        session.close();
    }

    // ---- from sockets, any thread ----

    /** A socket passed its middlewares and is now connected: the connect timeout no longer applies. */
    void onSocketConnected() {
        session.scheduler().execute(() -> connectTimeout.cancel());
    }

    /** A socket left (refused, or disconnected alone). */
    void remove(SocketImpl socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    void write(SocketPacket packet) {
        if (closed) {
            return;
        }
        session.send(server.encode(packet));
    }

    /** Writes packets that were already encoded (a broadcast encodes once for all recipients). */
    void writeEncoded(List<EnginePacket> packets) {
        if (!closed) {
            session.send(packets);
        }
    }

    /**
     * A socket's queue of incoming events is full although reading was paused: the client keeps
     * sending past the flow control, so it is told to go (a DISCONNECT for every socket, which
     * socket.io clients do not reconnect after) and the connection closes. Scheduler thread.
     */
    void onQueueLimit(SocketImpl socket, String limits) {
        if (closed) {
            return;
        }
        server.stats().countQueueLimitDisconnect();
        server.reportError(socket, null, new ClientError("client " + session.id() + " sent events past the queue limit of "
                + limits + " in namespace " + socket.namespace().name() + " while its reading was paused; disconnected"));
        disconnectAll();
    }

    /** The server stops: every socket leaves ("server shutting down"), then the connection closes. Any thread. */
    void shutdown() {
        close(DisconnectReason.SERVER_SHUTTING_DOWN);
    }

    /** Disconnects every socket (each gets a DISCONNECT) and closes the connection. Any thread. */
    void disconnectAll() {
        for (SocketImpl socket : List.copyOf(sockets.values())) {
            socket.disconnect(false);
        }
        close(DisconnectReason.FORCED_SERVER_CLOSE);
    }

    private void close(DisconnectReason reason) {
        if (session.scheduler().inThread()) {
            closeAll(reason);
            session.close(); // what the sockets sent before goes out first
        } else {
            try {
                session.scheduler().execute(() -> close(reason));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeAll(reason); // the network threads are gone: the connection is gone with them
            }
        }
    }

    private void closeAll(DisconnectReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        server.clientClosed(this);
        connectTimeout.cancel();
        decoder.reset();
        for (SocketImpl socket : List.copyOf(sockets.values())) {
            socket.onClose(reason);
        }
        sockets.clear();
    }
}
