package io.windsock.internal.server;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.carrier.Carrier;
import io.windsock.internal.carrier.Frames;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.protocol.DecodedSize;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.ClientError;
import io.windsock.server.Connection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Rejection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One client connection seen by the Socket.IO layer, whatever {@link Carrier} brings it: routes its
 * packets to its sockets (one per joined namespace), and closes it when no socket has connected in time.
 * Routing runs on the carrier's scheduler thread; writes may come from any thread. What differs
 * between protocol generations is asked of the carrier's {@link SocketDialect}.
 */
final class Client implements Carrier.Listener, Connection, InboundQueue.Gated {
    private static final String INVALID_NAMESPACE = "Invalid namespace";
    private static final String TOO_MANY_FOR_CLIENT = "Too many namespaces for this connection";
    private static final String AUTH_TOO_LARGE = "Auth payloads too large for this connection";

    private final SocketIoServer server;
    private final Carrier carrier;
    private final SocketDialect dialect;
    private static final AtomicReferenceFieldUpdater<Client, ReadGate> READ_GATE =
            AtomicReferenceFieldUpdater.newUpdater(Client.class, ReadGate.class, "readGate");
    /** Made when a socket first has too much queued: most connections never need one. */
    private volatile ReadGate readGate;
    /** The joined (or joining) namespaces' sockets, and what goes with them. */
    private final ClientSockets sockets = new ClientSockets();
    private EngineScheduler.Cancellable connectTimeout = EngineScheduler.Cancellable.NONE;
    private static final AtomicLongFieldUpdater<Client> HELD_BYTES =
            AtomicLongFieldUpdater.newUpdater(Client.class, "heldBytes");
    /** The bytes the connecting sockets hold for after their CONNECT reply (see {@link OutputGate}). */
    private volatile long heldBytes;
    /**
     * The events of all this connection's sockets that arrived and are not handled yet, those of
     * sockets that have left included: counted per connection, so that leaving a namespace and joining
     * it again, or joining many, does not reset the count.
     */
    private final InboundQueue inbound;
    /** Set once a socket of this connection passed its middlewares: the connect timeout no longer applies. */
    private volatile boolean socketConnected;
    private volatile boolean closed;

    Client(SocketIoServer server, Carrier carrier) {
        this.server = server;
        this.carrier = carrier;
        this.dialect = carrier.dialect();
        this.inbound = new InboundQueue(this, server.stats(), server.inboundLimits());
    }

    /** @return the count of this connection's incoming events not yet handled. */
    InboundQueue inbound() {
        return inbound;
    }

    /** Called on the carrier's thread right after it opened. */
    void start() {
        carrier.start(this);
        server.clientOpened(this);
        connectTimeout = carrier.scheduler().schedule(this::onConnectTimeout,
                server.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (dialect.connectsMainImplicitly()) {
            connect("/", Map.of(), 0);
        }
    }

    /**
     * Scheduler thread. As Node's client, which counts a namespace only once its middlewares have
     * passed: a socket still joining (its middlewares, its adapter's readiness or its session's
     * recovery not done) does not keep the connection, nor does one that was refused. So the timer is
     * armed from the start until a socket connects, whatever joins and leaves meanwhile. A socket
     * still joining leaves at once ("forced server close", as Node's {@code client.close()}), so it
     * cannot connect in the time the connection takes to close.
     */
    private void onConnectTimeout() {
        if (!closed && !socketConnected && !anySocketConnected()) {
            close(DisconnectReason.FORCED_SERVER_CLOSE);
        }
    }

    /** Covers a connected socket whose {@link #onSocketConnected} has not run yet (its connection listeners still run). */
    private boolean anySocketConnected() {
        for (SocketImpl socket : sockets.all()) {
            if (socket.isConnected()) {
                return true;
            }
        }
        return false;
    }

    Carrier carrier() {
        return carrier;
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
        return carrier.id();
    }

    @Override
    public String transport() {
        return carrier.transportName();
    }

    @Override
    public boolean isUpgraded() {
        return carrier.isUpgraded();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return carrier.request().remoteAddress();
    }

    @Override
    public boolean isClosed() {
        return closed || !carrier.isOpen();
    }

    /**
     * As Node's {@code socket.conn.close()}: the engine closes ("forced close"), no DISCONNECT is sent. A CONNECT
     * reply that waits for its connection listeners counts as queued (one of them may be the caller): it goes
     * out first, as Node had written it before its {@code connection} handler ran.
     */
    @Override
    public void close() {
        for (SocketImpl socket : sockets.all()) {
            socket.releaseConnectReply();
        }
        carrier.close();
    }

    @Override
    public String toString() {
        return "Connection[" + carrier.id() + "]";
    }

    /** Any thread. */
    @Override
    public ReadGate readGate() {
        ReadGate gate = readGate;
        if (gate == null) {
            READ_GATE.compareAndSet(this, null, new ReadGate(carrier, server.stats()));
            gate = readGate;
        }
        return gate;
    }

    // ---- from the carrier, on its scheduler thread ----

    @Override
    public void onPacket(SocketPacket packet, long wireBytes) {
        if (!closed) { // else read before the close took effect: nothing is deliverable any more
            route(packet, wireBytes);
        }
    }

    @Override
    public void onDecodeError(SocketDecodeException e) {
        if (closed) {
            return;
        }
        server.reportError(null, null,
                new ClientError("bad packet from client " + carrier.id() + ": " + LogSafe.text(e.getMessage())));
        // As Node's client.onerror, which closes the engine connection (conn.close(), no DISCONNECT): the
        // sockets leave with the engine's "forced close", which connection state recovery covers; "parse
        // error" is for Engine.IO-level errors. Protocol 1, which has no recovery, keeps "parse error".
        closeAll(dialect.id() == SocketDialect.PROTOCOL_1
                ? DisconnectReason.PARSE_ERROR : DisconnectReason.FORCED_CLOSE);
        carrier.close();
    }

    @Override
    public void onClose(DisconnectReason reason) {
        closeAll(reason);
    }

    private void route(SocketPacket packet, long size) {
        server.stats().packetReceived();
        String namespace = packet.namespace();
        SocketImpl socket = sockets.get(namespace);
        PendingRejoin rejoin = sockets.waitingRejoin(namespace);
        if (rejoin != null) {
            routeWhileRejoining(namespace, rejoin, packet, size);
        } else if (socket == null && packet.type() == SocketPacketType.CONNECT) {
            connect(namespace, dialect.connectAuth(packet), size);
        } else if (socket != null && packet.type() == SocketPacketType.CONNECT
                && dialect.id() == SocketDialect.PROTOCOL_1 && socket.hasLeft()) {
            rejoinAfterClose(socket, namespace, packet, size);
        } else if (socket != null && packet.type() == SocketPacketType.CONNECT) {
            // A second CONNECT while the first's reply is on its way: socket.io-client 4.x (and 2.x) sends
            // one for each socket.connect() the application makes then (a second namespace's socket, which
            // connects by itself, then connect()). Node reads both before its middlewares' next tick and
            // connects two sockets; closing would drop every namespace of a stock client. Ignored: the
            // first CONNECT is answered, once. (A client only sends CONNECT while not connected, so one
            // for a connected socket also crossed its reply.) A 0.9 client's join after it left the
            // namespace is not one: it waits for the socket that left to close (above).
        } else if (socket != null && packet.type() != SocketPacketType.CONNECT
                && packet.type() != SocketPacketType.CONNECT_ERROR
                && (packet.type() != SocketPacketType.DISCONNECT || socket.wasConnected()
                    || dialect.id() == SocketDialect.PROTOCOL_1)) {
            socket.onPacket(packet, size);
        } else if (dialect.id() == SocketDialect.PROTOCOL_1) {
            // A 0.9 client's namespace object outlives its membership: after connect_failed, its own
            // disconnect() or the server's 0::/ns, it still sends what the page emits there, and acks
            // what the server sent there before. After a reconnection it sends what was emitted
            // meanwhile before its 1::/ns, and a namespace first used while reconnecting sends 1::/ns
            // twice. The 0.9 server takes such a packet and nothing comes of it: dropped here, and the
            // client's other endpoints go on.
        } else {
            // A packet for a namespace not joined, or a DISCONNECT before the CONNECT reply
            // (socket.io-client 2.x to 4.x never send one: Node knows the socket only once connected): the
            // reference closes the connection. The 0.9 client does send one when a namespace is left while
            // connecting, and the 0.9 server took it: that socket leaves, staying the namespace's member
            // until its close has run (see SocketInbound), and a join read meanwhile waits for that close
            // (one at most, see PendingRejoin), so connects and disconnects cannot pile up.
            server.reportError(socket, null, new ClientError("invalid state: " + packet.type()
                    + " for namespace " + LogSafe.text(namespace) + " from client " + carrier.id()));
            close(DisconnectReason.FORCED_SERVER_CLOSE);
        }
    }

    /**
     * A 0.9 client joins a namespace again while the socket it left there still closes: the join waits
     * for that close, unless it ran meanwhile. Scheduler thread.
     */
    private void rejoinAfterClose(SocketImpl left, String name, SocketPacket connect, long size) {
        PendingRejoin rejoin = new PendingRejoin(dialect.connectAuth(connect), size);
        if (!sockets.waitToRejoin(left, rejoin)) { // its close removed it since: a join as any other
            connect(name, rejoin.auth(), rejoin.connectBytes());
        }
    }

    /**
     * A packet for a namespace whose join waits ({@link PendingRejoin}): a repeated join is ignored, a
     * {@code 0::/ns} gives the join up, events wait with it; the rest (acks of what the old socket
     * sent) has no socket to go to. Scheduler thread.
     */
    private void routeWhileRejoining(String name, PendingRejoin rejoin, SocketPacket packet, long size) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> {
                if (!rejoin.hold(inbound, packet, size)) {
                    onQueueLimit(name, inbound.limits());
                }
            }
            case DISCONNECT -> {
                sockets.takeRejoin(name);
                rejoin.drop(inbound);
            }
            default -> {
            }
        }
    }

    /** The socket a join waited for has closed: the join is made now, then given the events that waited. Scheduler thread. */
    private void rejoin(String name) {
        PendingRejoin rejoin = sockets.takeRejoin(name);
        if (rejoin != null) { // else given up, or the connection closed
            connect(name, rejoin.auth(), rejoin.connectBytes());
            rejoin.handOver(sockets.get(name), inbound);
        }
    }

    /** @param wireBytes the CONNECT's wire bytes, which its socket keeps as its handshake's auth */
    private void connect(String name, Map<String, Object> authMap, long wireBytes) {
        if (closed) {
            return;
        }
        int joined = sockets.all().size();
        if (joined >= server.options().maxNamespacesPerClient()) {
            server.warnings().warn("namespaces-per-client", "refused namespace {} for client {}: {} namespaces joined"
                    + " (maxNamespacesPerClient)", LogSafe.text(name), carrier.id(), joined);
            refuse(name, TOO_MANY_FOR_CLIENT);
            return;
        }
        // The sockets of one connection keep their CONNECT payloads together up to one packet's limit:
        // one CONNECT may be as large as a packet, but a hundred namespaces do not multiply it. Counted as
        // the heap the decoded auth holds where that is more: JSON of many small objects takes 20 times
        // its wire size, for the socket's whole life.
        int maxAuthBytes = server.options().limits().maxPacketLength();
        long size = authMap == null ? wireBytes
                : Math.max(wireBytes, DecodedSize.of(List.of(authMap), maxAuthBytes + 1L));
        if (!sockets.reserveAuth(size, maxAuthBytes)) {
            server.warnings().warn("auth-per-client", "refused namespace {} for client {}: its sockets' CONNECT "
                    + "payloads would pass {} bytes", LogSafe.text(name), carrier.id(), maxAuthBytes);
            refuse(name, AUTH_TOO_LARGE);
            return;
        }
        NamespaceImpl namespace;
        try {
            namespace = server.join(name, authMap);
        } catch (Rejection e) {
            sockets.releaseAuth((int) size);
            refuse(name, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A dynamic namespace whose adapter failed to start (the application's AdapterFactory): the
            // client is refused as for a middleware's exception, and the error hook hears of it.
            sockets.releaseAuth((int) size);
            server.reportError(null, "connection", e);
            refuse(name, Rejection.GENERIC_MESSAGE);
            return;
        }
        if (namespace == null) {
            sockets.releaseAuth((int) size);
            refuse(name, INVALID_NAMESPACE);
            return;
        }
        server.beforeSocketCounted.run();
        if (!server.countSocketUnlessStopping()) {
            // Read as the stop began, with this connection's close queued behind: the stop may have seen
            // no socket left already, so this one is never made (no listener of it can run after the
            // stop returns), as Node's close() leaves no connection to read a CONNECT from. No reply:
            // the connection closes next.
            sockets.releaseAuth((int) size);
            if (namespace.group() != null) {
                server.runOnHandlerExecutor(() -> server.release(namespace)); // may close an adapter: off this thread
            }
            return;
        }
        // From here the socket is a member of the namespace until its close has run (see SocketImpl).
        SocketImpl socket = new SocketImpl(namespace, this, authMap, (int) size);
        sockets.add(socket);
        socket.executor().execute(() -> namespace.connect(socket));
    }

    private void refuse(String namespace, String message) {
        refuse(namespace, message, null);
    }

    /** Refuses a namespace with CONNECT_ERROR, its payload shaped by the dialect. Any thread. */
    void refuse(String namespace, String message, Object data) {
        write(new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, SocketPacket.NO_ID,
                dialect.connectError(message, data)));
    }

    // ---- from sockets, any thread ----

    /**
     * A socket passed its middlewares and is now connected: the connect timeout no longer applies.
     * Batched: it then rides to the loop with the drain that carries the CONNECT reply, not as a task
     * of its own.
     */
    void onSocketConnected() {
        if (!socketConnected) {
            socketConnected = true;
            carrier.scheduler().tryExecuteBatched(this::cancelConnectTimeout); // gone: its timers went with it
        }
    }

    /** Scheduler thread. The handle goes too: a cancelled timer it held would stay for the connection's life. */
    private void cancelConnectTimeout() {
        connectTimeout.cancel();
        connectTimeout = EngineScheduler.Cancellable.NONE;
    }

    /** A socket left (refused, or disconnected alone). Any thread. */
    void remove(SocketImpl socket) {
        if (!sockets.remove(socket)) {
            return;
        }
        String name = socket.namespace().name();
        if (!carrier.scheduler().tryExecute(() -> rejoin(name))) { // a join waited for this socket to close
            PendingRejoin rejoin = sockets.takeRejoin(name); // the network threads are gone: the connection with them
            if (rejoin != null) {
                rejoin.drop(inbound);
            }
        }
    }

    /**
     * Reserves bytes a connecting socket holds, unless the connection's connecting sockets would then
     * hold more than {@code maxPendingOutboundBytes}: what waits for a CONNECT reply is bounded as what
     * waits for a slow client is, in a budget of its own beside the carrier's (so a client holds up to
     * twice that bound while a socket connects; docs/limits.md says why). Any thread.
     */
    boolean reserveHeld(long bytes) {
        long limit = server.options().engine().maxPendingOutboundBytes();
        while (true) {
            long current = heldBytes;
            if (current + bytes > limit) {
                return false;
            }
            if (HELD_BYTES.compareAndSet(this, current, current + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes reserved with {@link #reserveHeld}. Any thread. */
    void releaseHeld(long bytes) {
        HELD_BYTES.addAndGet(this, -bytes);
    }

    /**
     * A connecting socket was refused a packet at the bound: the connection is dropped as a "transport
     * error", as the carrier drops a client past the same bound (recoverable: a recovered session
     * is kept for the client's next try). A task of its own: the caller may be in a broadcast's loop.
     * Any thread.
     */
    void dropForHeldBytes(long refused) {
        String description = "client too slow to connect: " + heldBytes + " bytes held for its connecting sockets, "
                + refused + " more refused (limit " + server.options().engine().maxPendingOutboundBytes() + ")";
        carrier.scheduler().executeOrRunHere(() -> carrier.closeAsTransportError(description));
    }

    void write(SocketPacket packet) {
        if (closed) {
            return;
        }
        Frames frames = dialect.encode(packet); // first: a packet that cannot be written is not counted as sent
        server.stats().packetSent();
        carrier.send(frames);
    }

    /** @return the packet encoded for this connection's dialect. */
    Frames encode(SocketPacket packet) {
        return dialect.encode(packet);
    }

    /** Writes frames already encoded for this connection's dialect. */
    void writeEncoded(Frames frames) {
        if (!closed) {
            server.stats().packetSent();
            carrier.send(frames);
        }
    }

    /** Writes a packet encoded once for all recipients (a broadcast), in this connection's dialect. */
    void writeEncoded(EncodedPacket packet) {
        if (!closed) {
            server.stats().packetSent();
            carrier.send(dialect.frames(packet));
        }
    }

    /**
     * The connection's queue of incoming events is full although reading was paused (an event for
     * {@code namespace} was refused): the client keeps sending past the flow control, so it is told to
     * go (a DISCONNECT for every socket, which socket.io clients do not reconnect after) and the
     * connection closes. Scheduler thread.
     */
    void onQueueLimit(String namespace, String limits) {
        if (closed) {
            return;
        }
        server.stats().countQueueLimitDisconnect();
        server.reportError(sockets.get(namespace), null, new ClientError("client " + carrier.id() + " sent events past the queue limit of "
                + limits + " in namespace " + LogSafe.text(namespace) + " while its reading was paused; disconnected"));
        disconnectAll(false); // the events accepted before the limit are still handled
    }

    /** The server stops: every socket leaves ("server shutting down"), then the connection closes. Any thread. */
    void shutdown() {
        close(DisconnectReason.SERVER_SHUTTING_DOWN);
    }

    /**
     * Disconnects every socket (each gets a DISCONNECT) and closes the connection; with
     * {@code dropQueued} (the application asked) their events still queued are not handled. Any thread.
     * A 0.9 client gets the main endpoint's {@code 0::} alone, after the other sockets have left: it
     * takes {@code 0::} as the end of every endpoint (it emits "disconnect" on each, as the 0.9
     * server's boot tells it), so an endpoint's own {@code 0::/ns} besides would make it emit twice.
     */
    /** @return whether leaving "/" ends the connection: a 0.9 client leaves altogether on its {@code 0::}. */
    boolean leavingMainEndsConnection() {
        return dialect.id() == SocketDialect.PROTOCOL_1;
    }

    void disconnectAll(boolean dropQueued) {
        SocketImpl main = null;
        for (SocketImpl socket : sockets.all()) {
            if (dialect.id() != SocketDialect.PROTOCOL_1) {
                socket.leave(dropQueued);
            } else if ("/".equals(socket.namespace().name())) {
                main = socket; // last: its 0:: closes the session, which would close those still there otherwise
            } else {
                socket.leaveSilently(dropQueued);
            }
        }
        if (main != null) {
            main.leave(dropQueued);
        }
        close(DisconnectReason.FORCED_SERVER_CLOSE);
    }

    private void close(DisconnectReason reason) {
        if (carrier.scheduler().inThread()) {
            closeAll(reason);
            carrier.close(); // what the sockets sent before goes out first
        } else if (!carrier.scheduler().tryExecute(() -> close(reason))) {
            closeAll(reason); // the network threads are gone: the connection is gone with them
        }
    }

    private void closeAll(DisconnectReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        server.clientClosed(this);
        cancelConnectTimeout();
        for (SocketImpl socket : sockets.all()) {
            socket.onClose(reason);
        }
        sockets.clear().forEach(rejoin -> rejoin.drop(inbound));
    }
}
