package io.windsock.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One client's connection to one namespace, with an id of its own (never chosen by the client).
 *
 * <p>Threading: every method may be called from any thread. Listeners of one socket run one at a
 * time, in the order events arrived, on the server's handler executor (never on a network thread,
 * except listeners made with {@link EventListener#nonBlocking}, which may run on the connection's event
 * loop when none of its earlier events is still waiting).
 * Lifecycle: connected once the namespace's middlewares pass; disconnected for good after
 * {@link #onDisconnect} listeners ran. Emitting on a disconnected socket does nothing.
 *
 * <p>Rooms: a connected socket is in the room named by its {@link #id()}; it may join and leave
 * others at any time, and leaves them all when it disconnects (with connection state recovery, a
 * recovered socket is back in the same rooms).
 */
public interface Socket {
    /** @return this socket's id, random, unique per namespace connection. */
    String id();

    Namespace namespace();

    Handshake handshake();

    boolean isConnected();

    /**
     * @return the client's transport, as {@link Connection#transport()}: {@code "polling"} or
     *         {@code "websocket"}; for a Socket.IO 0.9 client the 0.9 name ({@code "websocket"},
     *         {@code "flashsocket"}, {@code "htmlfile"}, {@code "xhr-polling"}, {@code "jsonp-polling"})
     */
    String transport();

    /**
     * @return per-connection data, free for the application (thread-safe, no {@code null} values).
     *         {@link BroadcastOperator#fetchSockets()} sees a copy; connection state recovery restores it.
     */
    Map<String, Object> data();

    /**
     * @return whether this socket took over the session of a connection lost earlier (connection
     *         state recovery): same id, rooms and data, and the missed events were replayed
     */
    boolean recovered();

    /**
     * Joins rooms. Once disconnected the socket is in no room and gets no broadcast: a join then does
     * nothing, except that it counts for the session a recoverable disconnect keeps (see {@link #rooms()}).
     */
    void join(String... rooms);

    /** Leaves a room; once disconnected, as {@link #join(String...)}. */
    void leave(String room);

    /**
     * @return a snapshot of this socket's rooms, its own id included. Once disconnected, empty,
     *         except: in {@link #onDisconnecting} listeners, the rooms the socket left; and with
     *         connection state recovery, after a recoverable disconnect, until the session is kept
     *         (for the handlers of events that arrived before the close and for the disconnect
     *         listeners, which all run before that), the rooms the session keeps for the recovered
     *         socket, with the joins and leaves made meanwhile. Node's {@code socket.rooms} is empty in
     *         a {@code disconnect} listener, where its {@code join} does nothing; here those listeners'
     *         joins count for the session, and this reports them.
     */
    Set<String> rooms();

    /** @return an operator selecting the sockets in these rooms, except this one. */
    default BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    /** Same as {@link #to}. */
    default BroadcastOperator in(String... rooms) {
        return broadcast().to(rooms);
    }

    /** @return an operator selecting every other socket of the namespace but those in these rooms. */
    default BroadcastOperator except(String... rooms) {
        return broadcast().except(rooms);
    }

    /** @return an operator selecting every socket of the namespace except this one (socket.io's {@code socket.broadcast}). */
    BroadcastOperator broadcast();

    /**
     * Adds a listener for an event, as EventEmitter's {@code on}: an event runs every listener added
     * for its name, in registration order (adding one twice runs it twice). They share the event's
     * {@link Ack}: the first {@code send} goes out, later ones do nothing. A listener that throws is
     * reported to the error hook and the next one still runs. An event with a listener never reaches
     * the {@link #fallback}.
     */
    Socket on(String event, EventListener listener);

    /** Removes every listener of an event. */
    Socket off(String event);

    /** Removes one registration of this listener (the earliest) for an event; does nothing if absent. */
    Socket off(String event, EventListener listener);

    /**
     * Adds a middleware for incoming events: they run in order before any listener and may reject an
     * event by throwing (see {@link EventMiddleware}).
     */
    Socket use(EventMiddleware middleware);

    /**
     * Receives every incoming event before its own listener. Events with a reserved name
     * ({@code connect}, {@code connect_error}, {@code disconnect}, {@code disconnecting},
     * {@code newListener}, {@code removeListener}) are never dispatched: they are reported to the
     * error hook and dropped.
     */
    Socket onAny(CatchAllListener listener);

    /** Sees every event sent to this socket, its own and broadcasts (see {@link OutgoingListener}). */
    Socket onAnyOutgoing(OutgoingListener listener);

    /**
     * Receives the events that have no listener of their own; without one they are ignored. One
     * slot: setting it replaces the previous fallback (a connection class takes it).
     */
    Socket fallback(CatchAllListener listener);

    /**
     * Called once when the socket leaves, with the reason, before the {@link #onDisconnect} listeners
     * (Node's {@code disconnecting}): while these listeners run, {@link #rooms()} reports the rooms the
     * socket was in as it left, so that they can tell those rooms ({@code to(room).emit(...)}). It has
     * already left them: broadcasts no longer reach it.
     */
    Socket onDisconnecting(Consumer<DisconnectReason> listener);

    /** Called once when the socket leaves, with the reason, after the {@link #onDisconnecting} listeners. */
    Socket onDisconnect(Consumer<DisconnectReason> listener);

    /**
     * Sends an event. Arguments are JSON-serializable values, {@code byte[]} or {@code ByteBuffer}.
     * With connection state recovery on, the event is stored and carries an offset as its last argument.
     * While the socket connects (from a namespace middleware) the event is held and sent right after
     * the client's CONNECT reply; it is dropped if the socket is refused or leaves.
     *
     * @throws IllegalArgumentException for a reserved event name (see {@link #onAny})
     * @throws java.io.UncheckedIOException if a value cannot be written; nothing is sent then
     */
    void emit(String event, Object... args);

    /**
     * Sends an event that may be lost (Node's {@code socket.volatile.emit(...)}): for data that a newer
     * value soon replaces, such as positions. It is dropped, not queued, when the client cannot take it
     * right now: its WebSocket is still writing an earlier batch or is past the channel's write-buffer
     * high-water mark, no poll of a long-polling client is waiting, the socket is still in its
     * namespace's middlewares, or it has left (from a connection listener it goes out right after the
     * CONNECT reply, as {@link #emit}'s events). Never stored for connection state recovery, so it
     * carries no offset. The {@link #onAnyOutgoing} listeners see it only when it is sent. Unlike a
     * broadcast to the socket's own room, it never goes through the adapter (nor to a cluster).
     * Arguments as {@link #emit}.
     *
     * @throws IllegalArgumentException for a reserved event name (see {@link #onAny})
     * @throws java.io.UncheckedIOException if a value cannot be written; nothing is sent then
     */
    void emitVolatile(String event, Object... args);

    /**
     * Sends an event and waits for the client's acknowledgement. The future completes with the
     * ack's arguments, or exceptionally with {@link java.util.concurrent.TimeoutException} after
     * {@code timeout}, or with {@link IllegalStateException} if the socket disconnects first: as it
     * disconnects, before its disconnect listeners run (which wait for a listener blocked on the
     * future), and at once if it already has. An ack the client sent before its disconnect still
     * completes the future with its arguments.
     *
     * <p>The future completes on a thread of the handler executor ({@code WindsockOptions.handlerExecutor}),
     * never on this socket's serial executor nor on a network thread: a listener of this socket may
     * block on it ({@code get()}, {@code join()}) and gets the answer, on the default executor even while
     * every thread of its bound is taken by such listeners. Stages attached without an
     * executor ({@code thenApply}, {@code thenAccept}, ...) run on that handler thread, concurrently
     * with this socket's listeners; attach them with {@code thenAcceptAsync(action, executor())} to
     * run them in order with the listeners instead.
     *
     * @param timeout how long to wait; zero or negative times out at once unless the ack is already there
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException for a reserved event name, or a {@code timeout} too long to
     *         count in milliseconds; nothing is sent then
     */
    CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args);

    /** Sends a {@code message} event (socket.io's {@code send}). */
    default void send(Object... args) {
        emit("message", args);
    }

    /**
     * Leaves the namespace (the client gets {@code io server disconnect}); the connection stays. The
     * client's events not yet handled are dropped, as in socket.io (their acks are never sent). A
     * Socket.IO 0.9 client leaves altogether when "/" is left ("booted"), as the 0.9 server has it:
     * there this is {@code disconnect(true)}.
     */
    default void disconnect() {
        disconnect(false);
    }

    /** Leaves the namespace, and with {@code close} closes the whole connection and its other namespaces. */
    void disconnect(boolean close);

    /**
     * @return the client's underlying connection (Node's {@code socket.conn}), shared with the
     *         client's sockets in other namespaces; its {@link Connection#close()} closes it as a
     *         transport failure the client reconnects from
     */
    Connection conn();

    /** @return an executor that runs tasks in order with this socket's listeners. */
    java.util.concurrent.Executor executor();
}
