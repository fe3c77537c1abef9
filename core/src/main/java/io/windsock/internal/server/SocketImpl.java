package io.windsock.internal.server;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.EncodedPacket;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.PersistedSession;
import io.windsock.adapter.SocketDetails;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.CatchAllListener;
import io.windsock.server.Connection;
import io.windsock.server.DisconnectReason;
import io.windsock.server.EventListener;
import io.windsock.server.EventMiddleware;
import io.windsock.server.Handshake;
import io.windsock.server.Namespace;
import io.windsock.server.OutgoingListener;
import io.windsock.server.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A client's socket in one namespace. See {@link Socket} for the contract; as a {@link LocalSocket}
 * it is what the namespace's adapter sends broadcasts to.
 *
 * <p>Output ({@link SocketSender}): every write goes through the socket's {@link OutputGate}, so nothing goes out before
 * the CONNECT reply and nothing after the socket left (what is dropped then is counted in
 * {@link io.windsock.server.ServerStats#droppedAfterClose()}).
 *
 * <p>Input ({@link SocketInbound}): whether an incoming event is deliverable is decided when it arrives.
 * Events that arrived before the socket left are handled in order on its executor, and the disconnect
 * listeners run once, after them. Until handled they count in the connection's {@link InboundQueue},
 * which pauses reading the connection when it holds too much.
 *
 * <p>Identity ({@link SocketIdentity}): the ids and data that connection state recovery persists and restores.
 */
final class SocketImpl implements Socket, LocalSocket {
    private final SocketIdentity identity;
    private final NamespaceImpl namespace;
    private final Client client;
    private final int connectBytes;
    private final Handshake handshake;
    private final SerialExecutor executor;
    private final SocketListeners listeners;
    private final SocketAcks acks;
    private final OutputGate out;
    private final SocketSender sender;

    /** See {@link #leftByServer()}. */
    private volatile boolean leftByServer;
    /**
     * Events a 0.9 client sent for this socket while it was joining: that client sends what the page
     * emits on an endpoint right after its {@code 1::/ns}, without waiting for the answer, and the
     * socket may still wait for its namespace or adapter. Handled once it has connected, or dropped
     * when it closes first; null when none. Socket executor, as {@link #joinSettled}; see
     * {@link SocketInbound#holdWhileJoining}.
     */
    List<Runnable> heldWhileJoining;
    /** The socket connected, or closed: nothing is held any more. */
    boolean joinSettled;

    /**
     * Made only once counted by {@link SocketIoServer#countSocketUnlessStopping()}.
     *
     * @param connectBytes the size the CONNECT whose auth this socket keeps counts for (see {@link Client})
     */
    SocketImpl(NamespaceImpl namespace, Client client, Map<String, Object> auth, int connectBytes) {
        this.connectBytes = connectBytes;
        this.namespace = namespace;
        this.client = client;
        this.out = new OutputGate(client);
        this.handshake = new Handshake(client.carrier().request(), auth, Instant.now());
        this.executor = new SerialExecutor(client.server().executor());
        this.acks = new SocketAcks(client.server().completions());
        this.listeners = new SocketListeners(this, client.server().errorHandler());
        SocketDialect dialect = client.carrier().dialect();
        this.identity = new SocketIdentity(dialect.socketId(client.carrier().id(), namespace.name()),
                namespace.recovery() != null && dialect.supportsRecovery());
        this.sender = new SocketSender(this, namespace, client, identity, executor, listeners, acks, out);
    }

    // ---- identity and state ----

    @Override
    public String id() {
        return identity.id();
    }

    @Override
    public Namespace namespace() {
        return namespace;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public boolean isConnected() {
        return out.state() == OutputGate.State.CONNECTED;
    }

    /** @return whether the socket has left (or was refused) for good. */
    boolean hasLeft() {
        return out.state() == OutputGate.State.DISCONNECTED;
    }

    /**
     * @return whether the application made the socket leave ({@link #disconnect}): its events still
     *         queued are then dropped, as socket.io ignores a packet that reaches a disconnected socket.
     *         After a close the client or the connection caused, or the server's own protection (the
     *         queue limit), they are still handled: they arrived before it.
     */
    boolean leftByServer() {
        return leftByServer;
    }

    @Override
    public boolean recovered() {
        return identity.recovered();
    }

    @Override
    public String transport() {
        return client.carrier().transportName();
    }

    @Override
    public Map<String, Object> data() {
        return identity.data();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    Client client() {
        return client;
    }

    /** @return the executor of this socket's handlers, as its own type. */
    SerialExecutor serialExecutor() {
        return executor;
    }

    SocketListeners listeners() {
        return listeners;
    }

    SocketAcks acks() {
        return acks;
    }

    @Override
    public Connection conn() {
        return client;
    }

    // ---- listeners ----

    @Override
    public Socket on(String event, EventListener listener) {
        listeners.on(event, listener);
        return this;
    }

    @Override
    public Socket off(String event) {
        listeners.off(event);
        return this;
    }

    @Override
    public Socket off(String event, EventListener listener) {
        listeners.off(event, listener);
        return this;
    }

    @Override
    public Socket use(EventMiddleware middleware) {
        listeners.use(middleware);
        return this;
    }

    @Override
    public Socket onAny(CatchAllListener listener) {
        listeners.onAny(listener);
        return this;
    }

    @Override
    public Socket onAnyOutgoing(OutgoingListener listener) {
        listeners.onAnyOutgoing(listener);
        return this;
    }

    @Override
    public Socket fallback(CatchAllListener listener) {
        listeners.fallback(listener);
        return this;
    }

    @Override
    public Socket onDisconnecting(Consumer<DisconnectReason> listener) {
        listeners.onDisconnecting(listener);
        return this;
    }

    @Override
    public Socket onDisconnect(Consumer<DisconnectReason> listener) {
        listeners.onDisconnect(listener);
        return this;
    }

    // ---- rooms and broadcasts ----

    @Override
    public void join(String... rooms) {
        join(Arrays.asList(rooms));
    }

    /**
     * Once the socket closed, a join no longer reaches the adapter (a closed socket gets no broadcast),
     * but it still counts for the session the close persists, as it would in socket.io, where the
     * handlers of events that arrived before a close all run before it.
     */
    @Override
    public void join(Collection<String> rooms) {
        identity.join(adapter(), Set.copyOf(rooms));
    }

    @Override
    public void leave(String room) {
        identity.leave(adapter(), room);
    }

    @Override
    public Set<String> rooms() {
        return identity.rooms(adapter());
    }

    @Override
    public BroadcastOperator broadcast() {
        return new BroadcastOperatorImpl(namespace.self(), Set.of(id()));
    }

    private Adapter adapter() {
        return namespace.adapter();
    }

    // ---- sending: see SocketSender ----

    @Override
    public void emit(String event, Object... args) {
        sender.emit(event, args);
    }

    @Override
    public void emitVolatile(String event, Object... args) {
        sender.emitVolatile(event, args);
    }

    @Override
    public CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        return sender.emitWithAck(timeout, event, args);
    }

    @Override
    public void send(EncodedPacket packet, BroadcastOptions options) {
        sender.send(packet, options);
    }

    @Override
    public void expectAck(long ackId, BroadcastAckHandler handler) {
        acks.expect(ackId, handler);
    }

    /** @return how many acks this socket waits for (for tests). */
    int pendingAckCount() {
        return acks.size();
    }

    @Override
    public SocketDetails details() {
        return new SocketDetails(id(), handshake, rooms(), identity.dataCopy());
    }

    @Override
    public void disconnect(boolean close) {
        if (close || "/".equals(namespace.name()) && client.leavingMainEndsConnection()) {
            // A 0.9 client leaves altogether on the 0:: of "/" ("booted"): its other endpoints close first,
            // silently, so that nothing of theirs follows the 0:: (it would reach their listeners).
            client.disconnectAll(true);
        } else {
            leave(true);
        }
    }

    /** Leaves the namespace, the client told so; with {@code dropQueued} its events still queued are not handled. */
    void leave(boolean dropQueued) {
        close(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, true, dropQueued);
    }

    /** {@link #leave}, without telling the client: a DISCONNECT of the whole connection tells it. */
    void leaveSilently(boolean dropQueued) {
        close(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, false, dropQueued);
    }

    // ---- lifecycle, driven by Client and NamespaceImpl ----

    /** Takes over a persisted session (before the socket is registered anywhere). Socket executor. */
    void adopt(PersistedSession session) {
        identity.adopt(session);
    }

    /**
     * The missed events to replay right after the CONNECT reply. Socket executor, while connecting.
     *
     * @return false when they are too many to hold (see {@link OutputGate#replay}): nothing is held
     */
    boolean replay(List<List<Object>> missed) {
        return out.replay(namespace.name(), missed);
    }

    /** @return whether this socket's client can recover a session (recovery is on and its protocol has it). */
    boolean canRecover() {
        return identity.canRecover();
    }

    /** Gives up a recovery that could not complete: a fresh id and no data. Socket executor, while connecting. */
    void forgetRecovery() {
        identity.forgetRecovery();
        out.dropHeld();
    }

    /**
     * The middlewares passed: the socket is connected; its CONNECT reply, the replayed events and what was
     * held go out at {@link #releaseConnectReply}. Socket executor.
     */
    boolean markConnected() {
        if (!out.open(new SocketPacket(SocketPacketType.CONNECT, namespace.name(), SocketPacket.NO_ID,
                client.carrier().dialect().connectReply(identity.id(), identity.pid())))) {
            return false;
        }
        return true;
    }

    /**
     * The connection listeners have run: the CONNECT reply goes out (unless a listener sent it already), and
     * the connect timeout no longer applies (until here, {@link #isConnected} keeps it off). The timeout's
     * cancel comes after the reply, so that it rides to the loop with the reply's write.
     */
    void releaseConnectReply() {
        out.release();
        client.onSocketConnected();
    }

    /** A packet of {@code size} wire bytes for this socket arrived. Scheduler thread. */
    void onPacket(SocketPacket packet, long size) {
        SocketInbound.onPacket(this, client.inbound(), packet, size);
    }

    int connectBytes() {
        return connectBytes;
    }

    /** Leaves for good. Any thread; listeners run on the executor. */
    void onClose(DisconnectReason reason) {
        close(reason, false, false);
    }

    private void close(DisconnectReason reason, boolean sendDisconnect, boolean dropQueued) {
        if (sendDisconnect && out.state() == OutputGate.State.CONNECTED) {
            // Before the DISCONNECT goes out: a client that reconnects the namespace at once must find
            // it free (a CONNECT for a joined namespace closes the connection). Only this socket goes.
            client.remove(this);
        }
        if (dropQueued) {
            // Before the gate closes: a handler thread that sees the socket gone must see why, or it
            // would still deliver an event queued before the disconnect.
            leftByServer = true;
        }
        OutputGate.State previous = out.close(sendDisconnect
                ? new SocketPacket(SocketPacketType.DISCONNECT, namespace.name(), SocketPacket.NO_ID, null) : null);
        if (previous == null) {
            return;
        }
        String leavingId = identity.id();
        String pid = identity.pid();
        boolean persist = identity.persists(reason.isRecoverable(), previous == OutputGate.State.CONNECTED);
        identity.closeRooms(adapter(), leavingId, persist, listeners.hasDisconnecting());
        // Before the session can be found: a recovery of it waits until the close below has finished.
        CompletableFuture<Void> closed = persist ? namespace.closeStarted(pid) : null;
        namespace.remove(this);
        Runnable finish = () -> {
            try {
                SocketInbound.settleJoin(this); // events held while joining are dropped, before the listeners
                if (previous == OutputGate.State.CONNECTED) {
                    try {
                        listeners.disconnecting(reason);
                    } finally {
                        identity.endDisconnecting();
                    }
                    listeners.disconnected(reason);
                } else {
                    listeners.abandoned(reason); // never connected: as in Node, no disconnect listener runs
                }
            } finally {
                try {
                    if (persist) {
                        // Last, as socket.io persists after every handler of an event that arrived before
                        // the close (it runs them first): their data and rooms are kept, and so is what the
                        // disconnect listeners wrote. Off the network thread (the adapter may lock its
                        // event log), and after the socket is gone from the namespace, so a reconnecting
                        // client can take its id at once.
                        adapter().persistSession(new PersistedSession(leavingId, pid, identity.takeRoomsToPersist(),
                                identity.dataCopy()));
                    }
                } finally {
                    if (closed != null) {
                        namespace.closeFinished(pid, closed);
                    }
                    try {
                        // Gone from its connection, if it still is a member (left while connecting, see
                        // SocketInbound); a socket that left before is not there any more.
                        client.remove(this);
                        namespace.socketLeft(persist); // a dynamic namespace may go with its last socket
                    } finally {
                        client.server().socketClosed(); // last: a stop waits for it
                    }
                }
            }
        };
        // Queued from the session's thread, where events arrive: every event accepted before the
        // state changed above is queued before the listeners, none after.
        EngineScheduler scheduler = client.carrier().scheduler();
        if (scheduler.inThread()) {
            closeAcks(leavingId, reason, finish);
        } else {
            // Here once the network thread is gone: no packet can arrive any more.
            scheduler.executeOrRunHere(() -> closeAcks(leavingId, reason, finish));
        }
    }

    /**
     * Fails the acks still awaited, then queues the disconnect listeners. Here, not in the queued
     * listeners' turn: a handler of this socket blocked on an {@code emitWithAck} future holds the
     * executor, so a failure queued behind it would only come at the ack's timeout. On the session's
     * thread, where acks arrive, so an ack read before the close still completes its future.
     */
    private void closeAcks(String leavingId, DisconnectReason reason, Runnable finish) {
        try {
            acks.closeAll(leavingId, reason);
        } finally {
            executor.execute(finish);
        }
    }

    /** Writes the ack a client asked for, unless the socket left. Any thread. */
    void writeAck(SocketPacket ack) {
        sender.writeAck(ack);
    }

    /** @return whether the socket was connected at some point (a refused one never was). */
    boolean wasConnected() {
        return out.wasConnected();
    }

    @Override
    public String toString() {
        return "Socket[" + id() + " " + namespace.name() + "]";
    }
}
