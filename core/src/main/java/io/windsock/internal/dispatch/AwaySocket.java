package io.windsock.internal.dispatch;

import io.windsock.internal.connection.ConnectionBackend;
import io.windsock.internal.server.Events;
import io.windsock.internal.server.StatsCounters;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What a kept connection instance is attached to while its client is away (connection state
 * recovery): the backend and the {@code socket()} of an instance whose socket left and whose recovered
 * successor has not come yet.
 *
 * <p>It holds a few values of the socket that left (ids, transport, address, a copy of its data) and
 * nothing that leads to it: the left socket kept its handshake (every request header, the query,
 * the cookies, the auth payload), its connection and its Engine.IO session with its transport, so an
 * instance attached to it kept kilobytes per client for the whole recovery window. It acts as that
 * socket did once it had left: emits are stored for the client's recovery, an {@code emitWithAck}
 * fails (an event with an ack id is never stored), joins and listeners do nothing, broadcasts to its
 * rooms go to the namespace's other sockets. Only {@link #handshake()} is not there any more: it throws.
 */
final class AwaySocket implements Socket, ConnectionBackend {
    private final String id;
    private final Namespace namespace;
    private final StatsCounters stats;
    private final Executor executor;
    private final boolean recovered;
    private final String transport;
    private final Map<String, Object> data;
    private final String connectionId;
    private final boolean upgraded;
    private final InetSocketAddress remoteAddress;

    /**
     * @param left  the socket that left, read here and not kept
     * @param stats where an {@code emitWithAck} made while away is counted as dropped
     */
    AwaySocket(Socket left, StatsCounters stats) {
        this.id = left.id();
        this.namespace = left.namespace();
        this.stats = stats;
        this.executor = left.executor(); // tasks queued on it still run in order with what the socket left behind
        this.recovered = left.recovered();
        this.transport = left.transport();
        this.data = Map.copyOf(left.data());
        Connection conn = left.conn();
        this.connectionId = conn.id();
        this.upgraded = conn.isUpgraded();
        this.remoteAddress = conn.remoteAddress();
    }

    // ---- the backend of the kept instance ----

    @Override
    public Socket socket() {
        return this;
    }

    @Override
    public Object dispatchDefault(String name, List<Object> args, Map<String, Object> kwargs) {
        throw new IllegalStateException("socket " + id + " has left: no event is dispatched while its client is away");
    }

    // ---- the socket that left ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public Namespace namespace() {
        return namespace;
    }

    /** @throws IllegalStateException always: the handshake is not kept while the client is away */
    @Override
    public Handshake handshake() {
        throw new IllegalStateException("socket " + id + " has left: its handshake is not kept while its client is away"
                + " (the recovered socket has its own)");
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public String transport() {
        return transport;
    }

    /** @return the data as it was when the socket left, read-only: the persisted session has its own copy. */
    @Override
    public Map<String, Object> data() {
        return data;
    }

    @Override
    public boolean recovered() {
        return recovered;
    }

    @Override
    public void join(String... rooms) {
        // Left: in no room; its session was persisted with the rooms it had.
    }

    @Override
    public void leave(String room) {
    }

    @Override
    public Set<String> rooms() {
        return Set.of();
    }

    @Override
    public BroadcastOperator broadcast() {
        return namespace.except(id);
    }

    @Override
    public Socket on(String event, EventListener listener) {
        return this;
    }

    @Override
    public Socket off(String event) {
        return this;
    }

    @Override
    public Socket off(String event, EventListener listener) {
        return this;
    }

    @Override
    public Socket use(EventMiddleware middleware) {
        return this;
    }

    @Override
    public Socket onAny(CatchAllListener listener) {
        return this;
    }

    @Override
    public Socket onAnyOutgoing(OutgoingListener listener) {
        return this;
    }

    @Override
    public Socket fallback(CatchAllListener listener) {
        return this;
    }

    @Override
    public Socket onDisconnecting(Consumer<DisconnectReason> listener) {
        return this;
    }

    @Override
    public Socket onDisconnect(Consumer<DisconnectReason> listener) {
        return this;
    }

    /**
     * Stored for the client's recovery, as an emit on the socket after it left: a broadcast to the
     * socket's own room, which reaches no one now and is replayed to a client that recovers the
     * session (Node's {@code socket.emit} stores it so, connected or not).
     */
    @Override
    public void emit(String event, Object... args) {
        namespace.to(id).emit(event, args);
    }

    /** Dropped: the client cannot take it now, and a volatile event is never stored. */
    @Override
    public void emitVolatile(String event, Object... args) {
        Events.checkNotReserved(event);
    }

    /** @return a future failed with {@link IllegalStateException}, as on the socket after it left */
    @Override
    public CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        Events.checkNotReserved(event);
        Events.ackTimeoutMillis(timeout);
        stats.countDroppedAfterClose();
        return CompletableFuture.failedFuture(new IllegalStateException("socket " + id + " is disconnected"));
    }

    @Override
    public void disconnect(boolean close) {
        // Gone already.
    }

    @Override
    public Connection conn() {
        return new Connection() {
            @Override
            public String id() {
                return connectionId;
            }

            @Override
            public String transport() {
                return transport;
            }

            @Override
            public boolean isUpgraded() {
                return upgraded;
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return remoteAddress;
            }

            @Override
            public boolean isClosed() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public String toString() {
        return "Socket[" + id + " " + namespace.name() + " (away)]";
    }
}
