package io.windsock.internal.server;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.EncodedPacket;
import io.windsock.adapter.LocalSocket;
import io.windsock.adapter.PersistedSession;
import io.windsock.internal.carrier.EncodedBroadcast;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.log.Loggers;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketType;
import io.windsock.server.Ack;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.EventListener;
import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import io.windsock.server.Rejection;
import io.windsock.server.Socket;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A namespace: its middlewares and listeners (a dynamic child's own, see {@link DynamicNamespaces#create}),
 * its sockets, and its adapter, which keeps the rooms and sends broadcasts.
 *
 * <p>{@link #sockets} holds every socket the adapter may send to, by id: connected ones and connecting
 * ones (a connecting socket holds what it is sent until its CONNECT reply). The public views list the
 * connected ones only.
 */
public final class NamespaceImpl implements Namespace {
    private static final Logger log = Loggers.SOCKETS;
    private final SocketIoServer server;
    private final String name;
    private final List<Middleware> middlewares;
    private final List<Consumer<Socket>> connectionListeners;
    /** This namespace's own; a dynamic child also hears its group's ({@link #serverSideListener}). */
    private final Map<String, EventListener> serverSideListeners = new ConcurrentHashMap<>();
    private final ServerSideEvents serverSideEvents;
    private final Map<String, SocketImpl> sockets = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final Adapter adapter;
    private final Supplier<Collection<NamespaceImpl>> self = () -> List.of(this);
    /** The dynamic group this namespace is a child of, or null for a static namespace (never removed). */
    private final DynamicNamespaces group;
    /**
     * A dynamic child's members: sockets from their CONNECT until their close has run, plus one if
     * the application pinned it. Changed only inside the server's compute on this name; at zero the
     * namespace is removed.
     */
    private final AtomicInteger members = new AtomicInteger();
    private volatile boolean pinned;
    private final AtomicBoolean adapterClosed = new AtomicBoolean();
    /** For a namespace of a dynamic group: its membership while persisted sessions may be recovered. */
    private final RecoveryHold recoveryHold = new RecoveryHold(this::releaseRecoveryHold);
    /**
     * Sockets that leave with a session to persist and whose close has not finished, by private session
     * id: the session is persisted at the end of the close, after the handlers of the events that
     * arrived before it and the disconnect listeners, so a recovery of it waits for the close, then
     * finds the session and what the listeners keep for it (in Node the close is synchronous: a
     * recovery always follows a finished close).
     */
    private final Map<String, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();
    /** Fixed at creation: the adapter decides at creation whether it stores events. */
    private final ConnectionStateRecovery recovery;
    private static final CompletableFuture<Void> SET_UP = CompletableFuture.completedFuture(null);
    /** Completes when the application's setup of a namespace made by {@code of(name, setup)} returned. */
    private volatile CompletableFuture<Void> setUp = SET_UP;

    NamespaceImpl(SocketIoServer server, String name) {
        this(server, name, null, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    }

    /** With this namespace's own lists of middlewares and connection listeners, shared with no other namespace. */
    NamespaceImpl(SocketIoServer server, String name, DynamicNamespaces group, List<Middleware> middlewares,
                  List<Consumer<Socket>> connectionListeners) {
        this.server = server;
        this.name = name;
        this.group = group;
        this.middlewares = middlewares;
        this.connectionListeners = connectionListeners;
        this.serverSideEvents = new ServerSideEvents(server, name);
        this.recovery = server.options().connectionStateRecovery(name);
        this.adapter = server.adapters().create(new View());
        this.adapter.init();
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the server this namespace belongs to: its JSON mapper and error hook (used by dispatch). */
    public SocketIoServer server() {
        return server;
    }

    /** @return this namespace's adapter. */
    public Adapter adapter() {
        return adapter;
    }

    /** @return the dynamic group of this namespace, or null when it is static. */
    public DynamicNamespaces group() {
        return group;
    }

    /** One more member (dynamic children only). Inside the server's compute on this name. */
    void retain() {
        if (group != null) {
            members.incrementAndGet();
        }
    }

    /** @return the members left after one left. Inside the server's compute on this name. */
    int releaseMember() {
        return members.decrementAndGet();
    }

    /** @return whether this namespace is never removed: static, or pinned by the application. */
    boolean isPermanent() {
        return group == null || pinned;
    }

    /**
     * Holds connecting sockets until {@code setUp} completes: set inside the server's compute that makes
     * this namespace, before anyone can find it.
     */
    void holdConnectsUntil(CompletableFuture<Void> setUp) {
        this.setUp = setUp;
    }

    /** The application holds this namespace ({@code server.of(name)}): never removed. Inside the server's compute. */
    void pin() {
        if (group != null && !pinned) {
            pinned = true;
            members.incrementAndGet();
        }
    }

    /**
     * A socket of this namespace left for good and its close has run (listeners included): it no
     * longer keeps a dynamic namespace alive, except while a session it persisted may be recovered.
     * On the socket's executor.
     */
    void socketLeft(boolean sessionPersisted) {
        if (group == null) {
            return;
        }
        ConnectionStateRecovery recovery = recovery();
        if (!sessionPersisted || recovery == null || !recoveryHold.extend(recovery.maxDisconnectionDuration())) {
            server.release(this);
        }
    }

    /** Gives up the membership of {@link #recoveryHold}. Timer thread. */
    private void releaseRecoveryHold() {
        try {
            server.executor().execute(() -> server.release(this));
        } catch (RejectedExecutionException stopped) {
            // The server stopped: its adapters are closed already.
        }
    }

    /** @return whether a recovery window still keeps this dynamic namespace (a timer is pending). */
    boolean holdsForRecovery() {
        return recoveryHold.isPending();
    }

    /**
     * Closes the adapter once (a removed child, or the server stopped; both may happen), and ends a
     * recovery hold: a stopped server's sessions can no longer be recovered.
     */
    void closeAdapter() {
        recoveryHold.cancel();
        if (adapterClosed.compareAndSet(false, true)) {
            adapter.close();
        }
    }

    /** @return this namespace's recovery settings (its own, else the server-wide ones), or null when off here. */
    public ConnectionStateRecovery recovery() {
        return recovery;
    }

    long nextAckId() {
        return ackIds.getAndIncrement();
    }

    Supplier<Collection<NamespaceImpl>> self() {
        return self;
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
        broadcast().emit(event, args);
    }

    @Override
    public BroadcastOperator broadcast() {
        return new BroadcastOperatorImpl(self, Set.of());
    }

    @Override
    public Collection<Socket> sockets() {
        List<Socket> connected = new ArrayList<>(sockets.size());
        for (SocketImpl socket : sockets.values()) {
            if (socket.isConnected()) {
                connected.add(socket);
            }
        }
        return connected;
    }

    @Override
    public Optional<Socket> socket(String id) {
        SocketImpl socket = sockets.get(id);
        return socket != null && socket.isConnected() ? Optional.of(socket) : Optional.empty();
    }

    @Override
    public Set<String> rooms() {
        return adapter.rooms();
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        Events.checkNotReserved(event);
        adapter.serverSideEmit(Events.eventList(event, args));
    }

    @Override
    public CompletableFuture<List<Object>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
        Events.checkNotReserved(event);
        return adapter.serverSideEmitWithAck(Events.eventList(event, args), timeout).toCompletableFuture()
                .thenApplyAsync(responses -> responses, server.completions());
    }

    /** On a dynamic child: for this child only; its group's listener for the same event no longer reaches it. */
    @Override
    public Namespace onServerSideEmit(String event, EventListener listener) {
        serverSideListeners.put(event, listener);
        return this;
    }

    /** @return this namespace's listener for a server-side event, else its group's, else null. */
    private EventListener serverSideListener(String event) {
        EventListener own = serverSideListeners.get(event);
        return own != null || group == null ? own : group.serverSideListener(event);
    }

    // ---- connecting, on the socket's executor ----

    /**
     * Connects a socket once the namespace is set up and its adapter ready: recovers its session if it
     * asks to and one is found, runs the middlewares (unless a recovered socket may skip them), then
     * sends the CONNECT reply and calls the connection listeners.
     */
    void connect(SocketImpl socket) {
        if (!register(socket)) {
            return;
        }
        CompletableFuture<Void> ready = setUp.isDone() ? adapter.ready().toCompletableFuture()
                : setUp.thenCompose(done -> adapter.ready());
        // the application still setting the namespace up, or a cluster adapter still subscribing: hold
        // the socket until it can serve
        if (!ready.isDone()) {
            ready.whenComplete((ignored, error) -> socket.executor().execute(() -> connectWhenReady(socket)));
            return;
        }
        connectWhenReady(socket);
    }

    private void connectWhenReady(SocketImpl socket) {
        if (socket.hasLeft()) {
            sockets.remove(socket.id(), socket);
            return;
        }
        ConnectionStateRecovery recovery = recovery();
        Map<String, Object> auth = socket.handshake().auth();
        if (recovery != null && socket.canRecover() && auth.get("pid") instanceof String pid && auth.get("offset") instanceof String offset) {
            CompletableFuture<Void> previous = closing.get(pid);
            if (previous != null) { // its session is persisted when that close finishes: look for it then
                previous.whenComplete((done, error) -> socket.executor().execute(() -> connectWhenReady(socket)));
                return;
            }
            adapter.restoreSession(pid, offset).whenComplete((session, error) -> socket.executor().execute(() -> {
                if (error != null) {
                    server.errorHandler().onError(socket, "connection", error);
                }
                if (error == null && session.isPresent()) {
                    recoverAfterClose(socket, session.get(), offset, recovery);
                } else {
                    runMiddlewares(socket);
                }
            }));
            return;
        }
        runMiddlewares(socket);
    }

    /**
     * Recovers the session once its earlier socket's close has finished here, if it is still running
     * (it persisted the session, but has not yet told so). Socket executor.
     */
    private void recoverAfterClose(SocketImpl socket, PersistedSession session, String offset, ConnectionStateRecovery recovery) {
        CompletableFuture<Void> previous = closing.get(session.pid());
        if (previous == null) {
            recover(socket, session, offset, recovery);
        } else {
            previous.whenComplete((done, error) -> socket.executor().execute(() -> recover(socket, session, offset, recovery)));
        }
    }

    /** A socket that will persist the session {@code pid} started closing. Any thread. */
    CompletableFuture<Void> closeStarted(String pid) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        closing.put(pid, closed);
        return closed;
    }

    /** Its disconnect listeners have run and its session is persisted: a recovery waiting for them goes on. Socket executor. */
    void closeFinished(String pid, CompletableFuture<Void> closed) {
        closing.remove(pid, closed);
        closed.complete(null);
    }

    /**
     * Takes over a session: the socket gets its id, data and rooms (from now on it holds what is
     * broadcast to them), then the events it missed, which it replays after its CONNECT reply.
     */
    private void recover(SocketImpl socket, PersistedSession session, String offset, ConnectionStateRecovery recovery) {
        if (sockets.containsKey(session.sid())) {
            runMiddlewares(socket); // the old socket is still here (cannot happen unless a pid was reused)
            return;
        }
        sockets.remove(socket.id(), socket);
        // Rooms first, even before the socket takes the session's id: a close that races from here on
        // persists the session with its rooms (after the adoption) or leaves them to the failed
        // registration below (before it), never a session without them.
        adapter.addAll(session.sid(), session.rooms());
        socket.adopt(session);
        if (!register(socket)) {
            adapter.delAll(session.sid());
            adapter.persistSession(session); // the client left meanwhile: keep the session for its next try
            return;
        }
        adapter.missedPackets(session, offset).whenComplete((missed, error) -> socket.executor().execute(() -> {
            if (socket.hasLeft()) {
                return; // its close already persisted the session and left the rooms
            }
            if (error != null || !socket.replay(missed)) {
                if (error == null) {
                    log.info("socket {} in {}: recovery given up, its {} missed events exceed half of"
                            + " maxPendingOutboundBytes; it connects afresh", socket.id(), LogSafe.text(name), missed.size());
                }
                adapter.delAll(session.sid());
                sockets.remove(session.sid(), socket);
                socket.forgetRecovery();
                if (register(socket)) {
                    runMiddlewares(socket);
                }
                return;
            }
            if (recovery.skipMiddlewares()) {
                finishConnect(socket);
            } else {
                runMiddlewares(socket, session);
            }
        }));
    }

    private void runMiddlewares(SocketImpl socket) {
        runMiddlewares(socket, null);
    }

    /** @param recovering the session the socket took over, kept again if a middleware refuses it */
    private void runMiddlewares(SocketImpl socket, PersistedSession recovering) {
        for (Middleware middleware : middlewares) {
            try {
                middleware.handle(socket);
            } catch (Exception | Error e) {
                refuse(socket, e, recovering);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
                return;
            }
        }
        finishConnect(socket);
    }

    private void finishConnect(SocketImpl socket) {
        String id = socket.id();
        adapter.addAll(id, Set.of(id));
        if (!socket.markConnected()) {
            adapter.delAll(id);
            sockets.remove(id, socket);
            return;
        }
        // A 0.9 handshake connects "/" before the client chose its transport: the listeners wait for it, and
        // its "1::" goes out when the transport opens. Otherwise the CONNECT reply waits for the listeners,
        // so that a client that sees it finds the socket in the rooms they joined, as with Node. Then the
        // events a client sent while the socket joined: after the listeners, which register their handlers.
        Runnable listeners = () -> {
            runConnectionListeners(socket);
            socket.releaseConnectReply();
            SocketInbound.settleJoin(socket);
        };
        if (socket.client().carrier().deferUntilTransport(() -> socket.executor().execute(listeners))) {
            socket.releaseConnectReply(); // the "1::" waits in the session's queue for the transport
        } else {
            listeners.run();
        }
    }

    private void runConnectionListeners(SocketImpl socket) {
        for (Consumer<Socket> listener : connectionListeners) {
            try {
                listener.accept(socket);
            } catch (RuntimeException | Error e) {
                server.errorHandler().onError(socket, "connection", e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
        }
    }

    /** @return whether the socket is registered under its id; false if it has left (then it is not). */
    private boolean register(SocketImpl socket) {
        sockets.put(socket.id(), socket);
        if (socket.hasLeft()) { // left meanwhile: its own removal may have run before the put
            sockets.remove(socket.id(), socket);
            return false;
        }
        return true;
    }

    void remove(SocketImpl socket) {
        sockets.remove(socket.id(), socket);
    }

    /**
     * Only a {@link Rejection}'s text reaches the client; any other failure is the server's own, its
     * text may hold secrets (the Node server sends it): the client gets a generic message.
     */
    private void refuse(SocketImpl socket, Throwable e, PersistedSession recovering) {
        String message;
        Object data = null;
        if (e instanceof Rejection rejection) {
            message = rejection.getMessage() == null ? "connection refused" : rejection.getMessage();
            data = rejection.data();
        } else {
            message = Rejection.GENERIC_MESSAGE;
            server.errorHandler().onError(socket, "connection", e);
        }
        socket.client().remove(socket);
        socket.onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
        if (recovering != null) {
            // As socket.io, whose restoreSession only reads the session: the client may try again (a
            // refreshed token, say) and still recover. Kept before the client hears of the refusal.
            adapter.persistSession(recovering);
        }
        try {
            socket.client().refuse(name, message, data);
        } catch (UncheckedIOException unwritable) {
            // Data that cannot be written as JSON is the server's mistake: reported, and the client is
            // refused as for any other failure, rather than left waiting for an answer that never comes.
            server.errorHandler().onError(socket, "connection", unwritable);
            socket.client().refuse(name, Rejection.GENERIC_MESSAGE, null);
        }
    }

    @Override
    public String toString() {
        return "Namespace[" + name + "]";
    }

    /** What the adapter sees of this namespace. */
    private final class View implements AdapterNamespace {
        @Override
        public String name() {
            return name;
        }

        @Override
        public LocalSocket localSocket(String id) {
            return sockets.get(id);
        }

        @Override
        public EncodedPacket encode(SocketPacket packet, String offset) {
            EncodedPacket encoded = new EncodedBroadcast(packet, offset);
            server.dialectV5().frames(encoded); // now, on the sender's thread: a value that cannot be encoded throws here
            return encoded;
        }

        @Override
        public long nextAckId() {
            return NamespaceImpl.this.nextAckId();
        }

        @Override
        public ConnectionStateRecovery recovery() {
            return NamespaceImpl.this.recovery();
        }

        @Override
        public void onServerSideEmit(List<Object> eventAndArgs, Ack ack) {
            if (eventAndArgs.isEmpty()) {
                return;
            }
            String event = String.valueOf(eventAndArgs.get(0));
            EventListener listener = serverSideListener(event);
            if (listener == null) {
                return;
            }
            serverSideEvents.received(event, listener, new ArrayList<>(eventAndArgs.subList(1, eventAndArgs.size())), ack);
        }
    }
}
