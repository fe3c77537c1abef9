package io.windsock.connection;

import io.windsock.internal.connection.ConnectionBackend;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.Connection;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One client's connection to one namespace, as a class whose methods client events call
 * (TornadIO2's model). Subclass it, annotate handlers with {@link Event}, and serve a namespace with
 * it: {@code Windsock.builder().connections("/chat", ChatConnection::new)} or
 * {@link Connections#serve}. Fields hold per-connection state.
 *
 * <pre>{@code
 * public class ChatConnection extends SocketConnection {
 *     private String nick;
 *
 *     @Override
 *     protected boolean onOpen(Handshake handshake) {
 *         return handshake.query("token") != null;           // false refuses the connection
 *     }
 *
 *     @Event
 *     public void hello(String name) {                        // emit('hello', 'Joes') or emit('hello', {name: 'Joes'})
 *         nick = name;
 *         emit("thanks", Args.named("name", name));           // the client receives one object {name: ...}
 *         emit("hello", name, "foobar");                      // the client receives two arguments
 *     }
 *
 *     @Event("join room")
 *     public String join(String room) {                        // the return value is the ack
 *         joinRoom(room);
 *         to(room).emit("joined", nick);
 *         return "ok";
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <ol>
 * <li>A client asks to join the namespace: the factory makes a new instance, then {@link #onOpen}
 *     runs as one of the namespace's middlewares (in registration order with the others). From here
 *     on {@link #socket()} works; in the constructor it does not.</li>
 * <li>Once every middleware passed, the client is connected and its events call handlers.</li>
 * <li>{@link #onClose} runs once when the socket leaves, after every event that arrived before:
 *     for every {@link #onOpen} that accepted, also when the socket leaves before it connected (the
 *     client dropped, the connect timeout, a later middleware refused). It does not run when
 *     {@code onOpen} refused.</li>
 * </ol>
 * With connection state recovery on, the instance of a socket that left involuntarily is kept for
 * the recovery window; the recovered socket gets it back (fields intact) or, if it is gone, a new
 * instance. Either way {@link #onOpen} runs again, with {@code socket().recovered()} true; when the
 * namespace's middlewares are skipped (the default) it runs as a connection listener, before the
 * CONNECT reply goes out, and refusing then makes the socket leave (its client hears of the connect,
 * then of the disconnect). While kept, the instance holds nothing of the socket that
 * left: {@link #socket()} is a stand-in that acts as that socket once gone (emits stored for the
 * client's recovery, {@code emitWithAck} failed, not connected, in no room, its data a read-only
 * copy), whose {@code handshake()} throws
 * {@code IllegalStateException}.
 *
 * <h2>Threading</h2>
 * Every hook and handler of one instance runs on that socket's serial executor ({@link Socket#executor()}):
 * one at a time, in arrival order, never on a network thread (unless declared {@link NonBlocking}).
 * Blocking is allowed and delays only
 * this connection's later events; other connections and the pings go on. The threads come from
 * {@code WindsockOptions.handlerExecutor}: by default a virtual thread per task on Java 24+, a pool
 * of platform threads before. On Java 21 to 23 pass {@code Executors.newVirtualThreadPerTaskExecutor()}
 * yourself only if no handler blocks inside {@code synchronized} (there a blocked virtual thread holds
 * its carrier thread, one of about as many as there are cores).
 * The sending methods ({@link #emit}, {@link #send}, ...) may be called from any thread.
 *
 * <h2>Dispatch and binding</h2>
 * An event calls the {@link Event} handler of that name. If exactly one argument arrives and it is
 * a JSON object whose keys match the parameter names, it binds by name; otherwise the arguments
 * bind by position. A handler whose only parameter is an object type (record, POJO, {@code Map})
 * receives the whole object. A varargs parameter ({@code String... names}) takes the trailing
 * positional arguments, each converted (TornadIO2's {@code *args}); an array argument is one of
 * them. Values convert to the declared types with the server's Jackson {@code ObjectMapper};
 * {@code Optional} parameters may be missing; an {@code Ack} parameter
 * receives the acknowledgement. The return value is the ack (see {@link Args#of} for several
 * values; a {@code CompletionStage} acks when it completes). Conversion is strict unless
 * {@link ConnectionOptions#lenientConversion()}: {@code 1.5} never binds to an {@code int}, nor
 * {@code "5"} to a number. An event that cannot be delivered (unknown name, missing or extra
 * arguments, a value that does not convert) is logged through the server's error handler and
 * answered with the ack {@code {"error": "bad_arguments" or "unknown_event", "message": "..."}} when
 * the client asked for one; the socket lives on unless {@link ConnectionOptions#onBadEvent()} says
 * otherwise. Named binding needs parameter names: compile with {@code javac -parameters} or use
 * {@link Arg}. The full rules are in the project's {@code docs/event-model.md}.
 */
public abstract class SocketConnection {
    /** Set once, before {@link #onOpen}, by the dispatcher that owns this instance (see ConnectionAccess). */
    private volatile ConnectionBackend driver;

    protected SocketConnection() {
    }

    // ---- hooks ----

    /**
     * Decides whether the client may join. Runs before the client is connected; the socket can
     * already be configured (data, rooms), and events emitted here (by this instance or on
     * {@code socket()}) are held back and sent right after the client's CONNECT reply, in the order
     * of the calls (dropped if the connection is refused). Runs again for a
     * socket recovered by connection state recovery ({@code socket().recovered()} is then true),
     * on this same instance when it was kept; if the namespace's middlewares are skipped, that
     * call comes once the socket is connected (its CONNECT reply waits for it), and refusing makes
     * the socket leave.
     *
     * @return {@code false} to refuse with CONNECT_ERROR {@code {"message": "connection refused"}};
     *         throw {@link ConnectError} to choose the message and data. The default accepts.
     */
    protected boolean onOpen(Handshake handshake) throws Exception {
        return true;
    }

    /**
     * Receives the {@code message} event (the client's {@code socket.send(value)}) when no
     * {@code @Event("message")} handler exists: {@code null} for no argument, the one value
     * otherwise (more than one argument is a bad event). An ack the client asked for is sent empty
     * after this returns; a handler {@code @Event("message")} can return one instead. Overriding
     * it is optional: without an override a {@code message} event is an unknown event.
     */
    protected void onMessage(Object message) throws Exception {
    }

    /**
     * Receives every event (but {@code message}, when {@link #onMessage} is overridden) before the
     * {@link Event} handlers; overriding it replaces that dispatch. The arguments follow TornadIO2's
     * rule: when exactly one argument arrives and it is a JSON object, {@code args} is empty and
     * {@code kwargs} holds the object; otherwise {@code args} holds every argument and
     * {@code kwargs} is empty. Both are unmodifiable.
     *
     * <p>The default calls the {@link Event} handler; an override may call
     * {@code super.onEvent(name, args, kwargs)} to do so after all, from within this call and on its
     * thread; called after it returned or from another thread (a {@code CompletableFuture} task), it
     * throws {@link IllegalStateException}. Passed
     * the lists it received, it binds exactly what the client sent; other lists bind as if the
     * client had sent {@code args}, or the one object {@code kwargs} if {@code args} is empty.
     *
     * @return the ack: as for a handler's return value
     */
    protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
        return driver().dispatchDefault(name, args, kwargs);
    }

    /**
     * Runs once per socket when it leaves, after the events that arrived before; the default does
     * nothing. It pairs with every {@link #onOpen} that accepted, so it releases what that set up: it
     * also runs when the socket leaves before it connected (the client dropped or the connect timeout
     * fired while {@code onOpen} or a later middleware ran, or a later middleware refused it, with
     * {@link DisconnectReason#SERVER_NAMESPACE_DISCONNECT}); the {@code socket().onDisconnecting} and
     * {@code onDisconnect} listeners do not run then, as in Node. After an involuntary leave
     * ({@code reason.isRecoverable()}) with connection state recovery on, this instance may serve the
     * client's recovered socket later. The socket has left
     * its rooms by then; to tell them, add a listener with {@code socket().onDisconnecting} in
     * {@link #onOpen}, which runs before this method and sees the rooms.
     */
    protected void onClose(DisconnectReason reason) {
    }

    // ---- talking to the client; any thread ----

    /**
     * @return the underlying socket: id, handshake, data, rooms, the functional API; while the
     *         instance is kept for a client that is away (connection state recovery), a stand-in for
     *         the socket that left (see the class comment)
     * @throws IllegalStateException in the constructor (the socket is attached just before {@link #onOpen})
     */
    public final Socket socket() {
        return driver().socket();
    }

    /**
     * Sends an event with positional arguments (JSON-serializable values, {@code byte[]} for binary).
     * For TornadIO2's keyword form, pass one {@link Args#named} map. Does nothing once closed.
     *
     * @throws java.io.UncheckedIOException if a value cannot be written as JSON (at the call, from
     *         {@link #onOpen} too); nothing is sent then
     */
    public final void emit(String event, Object... args) {
        driver().emit(event, args);
    }

    /**
     * Sends an event that may be lost (Node's {@code socket.volatile.emit}): dropped, not queued, when
     * the client cannot take it right now (a congested WebSocket, no poll waiting, in {@link #onOpen},
     * or away), and never stored for connection state recovery. For values a newer one soon replaces.
     * See {@link Socket#emitVolatile}.
     *
     * @throws java.io.UncheckedIOException if a value cannot be written as JSON; nothing is sent then
     */
    public final void emitVolatile(String event, Object... args) {
        driver().emitVolatile(event, args);
    }

    /**
     * Sends an event that the client acknowledges. The future completes with the ack's arguments,
     * or exceptionally with a {@code TimeoutException} after {@code timeout}, or with an
     * {@code IllegalStateException} if the connection ends first (as it ends: a handler blocked on
     * the future is released then, and {@link #onClose} runs after that handler returns).
     *
     * <p>A handler may block on the future ({@code emitWithAck(...).get(5, SECONDS)}) and gets the
     * client's answer: the future completes on a handler-executor thread, not on this connection's
     * serial executor. Stages attached without an executor run on that thread, concurrently with
     * this connection's handlers; use {@code thenAcceptAsync(action, socket().executor())} to run
     * them in order with the handlers. Not in {@link #onOpen}: an event emitted there is held until
     * the CONNECT reply, which follows {@code onOpen}, so a wait there only ends at its timeout (which
     * counts from the call).
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException for a reserved event name, or a {@code timeout} too long to
     *         count in milliseconds (checked at the call, also from {@code onOpen})
     */
    public final CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        return driver().emitWithAck(timeout, event, args);
    }

    /** Sends a {@code message} event with one value (TornadIO2's {@code send}). */
    public final void send(Object message) {
        driver().emit("message", message);
    }

    /**
     * Leaves the namespace: the client gets {@code disconnect} with {@code "io server disconnect"},
     * then {@link #onClose} runs. The client's other namespaces stay; {@code socket().disconnect(true)}
     * closes the whole connection.
     */
    public final void close() {
        socket().disconnect(false);
    }

    /**
     * @return the client's underlying connection (Node's {@code socket.conn}): its id, transport,
     *         address; {@code conn().close()} drops it as a transport failure, which the client
     *         reconnects from (and is recovered from, with connection state recovery on). Any thread.
     * @throws IllegalStateException in the constructor
     */
    public final Connection conn() {
        return socket().conn();
    }

    // ---- rooms; any thread ----

    /**
     * Joins rooms: {@link Socket#join}. Not named {@code join}, so that a handler of the natural
     * event name {@code join(String room)} cannot call itself by mistake.
     */
    public final void joinRoom(String... rooms) {
        socket().join(rooms);
    }

    /** Leaves a room: {@link Socket#leave}. */
    public final void leaveRoom(String room) {
        socket().leave(room);
    }

    /**
     * @return an operator selecting the sockets in these rooms but this one ({@link Socket#to}):
     *         {@code to("lobby").emit("joined", nick)}. The rest is on {@link #socket()}.
     */
    public final BroadcastOperator to(String... rooms) {
        return socket().to(rooms);
    }

    private ConnectionBackend driver() {
        ConnectionBackend d = driver;
        if (d == null) {
            throw new IllegalStateException(getClass().getName()
                    + " is not attached to a socket yet: socket() and emit() work from onOpen on, not in the constructor");
        }
        return d;
    }

    @Override
    public String toString() {
        ConnectionBackend d = driver;
        return getClass().getSimpleName() + "[" + (d == null ? "unattached" : d.socket().id()) + "]";
    }
}
