package io.windsock.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.carrier.Carrier;
import io.windsock.internal.carrier.EngineCarrier;
import io.windsock.internal.carrier.MsgpackDialect;
import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.carrier.SocketDialectV4;
import io.windsock.internal.carrier.SocketDialectV5;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.protocol.MsgpackPacketCodec;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import io.windsock.server.ClientError;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.Parser;
import io.windsock.server.Rejection;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The Socket.IO layer's root: namespaces (static and dynamic), the shared codec, executor and error
 * hook. It turns each new Engine.IO session into a {@link Client}.
 */
public final class SocketIoServer {
    static final String TOO_MANY_NAMESPACES = "Too many namespaces";
    /** The longest client error message logged whole (its client parts are cut shorter already). */
    private static final int MAX_MESSAGE_CHARS = 1000;

    private final WindsockOptions options;
    private final InboundQueue.Limits inboundLimits;
    private final JacksonJsonCodec json;
    /** The dialects of Engine.IO v4 and v3 clients, in the server's packet format. */
    private final SocketDialect dialectV5;
    private final SocketDialect dialectV4;
    private final Executor executor;
    /** The executor's lane for completing futures handlers may block on: {@link HandlerExecutors#completions}. */
    private final Executor completions;
    private final ErrorHandler errorHandler;
    private final Map<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final List<DynamicNamespaces> dynamic = new CopyOnWriteArrayList<>();
    /** Live namespaces of dynamic groups: counted up inside a compute on {@link #namespaces}, down after removal. */
    private final AtomicInteger dynamicCount = new AtomicInteger();
    private final RateLimitedLog warnings = new RateLimitedLog(Loggers.SOCKETS);
    private final RateLimitedLog clientErrors = new RateLimitedLog(Loggers.ERRORS);
    private final StatsCounters stats;
    private final AdapterFactory adapters;
    /** Open connections, so that a shutdown can close each one. */
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /** Broadcasts waiting for acks: a stop ends them once no answer can come (see {@link #shutdown()}). */
    private final PendingBroadcastAcks pendingBroadcastAcks = new PendingBroadcastAcks();
    /** What the server's parts hold until it stops (kept connection instances): released by {@link #stopped()}. */
    private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();
    /** Sockets created whose close has not finished running its listeners. Guarded by itself (for waiting). */
    private final Object socketsLock = new Object();
    private long liveSockets;
    /** Set by {@link #shutdown()} under socketsLock (see {@link #countSocketUnlessStopping()}); read without it. */
    private volatile boolean shuttingDown;
    /** Runs on the network thread just before a joining socket is counted: lets a test hold it there. */
    public volatile Runnable beforeSocketCounted = () -> { };

    /** With the in-memory adapter. */
    public SocketIoServer(WindsockOptions options, Executor executor) {
        this(options, InMemoryAdapter::new, executor, System::nanoTime);
    }

    public SocketIoServer(WindsockOptions options, AdapterFactory adapters, Executor executor) {
        this(options, adapters, executor, System::nanoTime);
    }

    /**
     * @param adapters  makes each namespace's adapter
     * @param nanoClock the clock of the statistics' rates (tests move it by hand)
     */
    public SocketIoServer(WindsockOptions options, AdapterFactory adapters, Executor executor, LongSupplier nanoClock) {
        this.options = options;
        this.inboundLimits = InboundQueue.Limits.of(options.maxQueuedEvents(), options.maxQueuedEventBytes());
        this.adapters = java.util.Objects.requireNonNull(adapters, "adapters");
        this.stats = new StatsCounters(nanoClock);
        this.json = new JacksonJsonCodec(options.objectMapper() == null ? new ObjectMapper() : options.objectMapper(),
                options.limits());
        SocketDialectV5 v5 = new SocketDialectV5(json, options.limits());
        SocketDialectV4 v4 = new SocketDialectV4(v5);
        if (options.parser() == Parser.MSGPACK) {
            MsgpackPacketCodec msgpack = new MsgpackPacketCodec(json, options.limits());
            this.dialectV5 = new MsgpackDialect(v5, msgpack);
            this.dialectV4 = new MsgpackDialect(v4, msgpack);
        } else {
            this.dialectV5 = v5;
            this.dialectV4 = v4;
        }
        this.executor = executor;
        this.completions = HandlerExecutors.completions(executor);
        this.errorHandler = options.errorHandler() != null ? options.errorHandler() : this::logError;
        // The main namespace exists with the server, as in Node: a client's io(url) joins "/" even when
        // the application serves only other namespaces. It is static, so no dynamic group takes "/".
        of("/");
    }

    /** @return what makes each namespace's adapter. */
    AdapterFactory adapters() {
        return adapters;
    }

    public WindsockOptions options() {
        return options;
    }

    /** @return the limits of every socket's incoming queue, from {@link #options()} */
    InboundQueue.Limits inboundLimits() {
        return inboundLimits;
    }

    public JacksonJsonCodec json() {
        return json;
    }

    /** @return the dialect of Socket.IO v5 over Engine.IO v4, in this server's packet format. */
    SocketDialect dialectV5() {
        return dialectV5;
    }

    public Executor executor() {
        return executor;
    }

    /**
     * @return where futures a handler may block on (acks and other nodes' answers) are completed: the
     *     handler executor, on the default pool without waiting behind its thread bound
     */
    public Executor completions() {
        return completions;
    }

    /** @return the live counters; {@code stats().snapshot()} is {@code Windsock.stats()}. */
    public StatsCounters stats() {
        return stats;
    }

    /** Reports an error seen on a network thread; the hook runs on the handler executor, never there. */
    void reportError(io.windsock.server.Socket socket, String event, Throwable error) {
        runOnHandlerExecutor(() -> errorHandler.onError(socket, event, error));
    }

    /**
     * Runs a task that belongs to no socket on the handler executor. An executor that rejects it does
     * not throw into the caller, a network thread: the task is logged and dropped.
     */
    void runOnHandlerExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Reachable: on Java 24+ the default VirtualThreadExecutor rethrows a refusal of the JDK's scheduler.
            Loggers.HANDLERS.error("the handler executor rejected a task; it is dropped", e);
        }
    }

    /** WARN lines a client can cause, rate-limited per kind. */
    RateLimitedLog warnings() {
        return warnings;
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** Called on the session's thread right after an Engine.IO handshake. */
    public void onEngineConnection(EngineSession session) {
        onConnection(new EngineCarrier(session, session.protocol() == 3 ? dialectV4 : dialectV5));
    }

    /** Called on the carrier's thread right after a connection of any protocol generation opened. */
    public void onConnection(Carrier carrier) {
        new Client(this, carrier).start();
    }

    void clientOpened(Client client) {
        clients.add(client);
        stats.engineSessionOpened();
        if (shuttingDown) {
            client.shutdown(); // a handshake that raced the shutdown
        }
    }

    void clientClosed(Client client) {
        if (clients.remove(client)) {
            stats.engineSessionClosed();
        }
    }

    /**
     * Counts a joining socket unless the stop has begun, under the lock the stop sets
     * {@link #shuttingDown} under: a socket counted was counted before the stop began, so the stop's
     * wait for the sockets ({@link #awaitSocketsClosed}) covers its disconnect listeners.
     *
     * @return whether the socket was counted (false: the server is stopping, the socket must not be made)
     */
    boolean countSocketUnlessStopping() {
        synchronized (socketsLock) {
            if (shuttingDown) {
                return false;
            }
            liveSockets++;
        }
        stats.socketOpened();
        return true;
    }

    void socketClosed() {
        stats.socketClosed();
        synchronized (socketsLock) {
            if (--liveSockets == 0) {
                socketsLock.notifyAll();
            }
        }
    }

    /**
     * Starts the shutdown: every connection's sockets leave with "server shutting down" (their queued
     * events are still handled, then their disconnect listeners run), then each connection closes
     * after what was sent to it. Connections opened from now on are closed at once, and a CONNECT
     * read from now on gets no socket. A broadcast waiting for acks from this node alone fails now,
     * as at its timeout; one waiting for other nodes too, when the adapters close. Any thread.
     */
    public void shutdown() {
        synchronized (socketsLock) {
            shuttingDown = true; // from now on no socket is counted: see countSocketUnlessStopping
        }
        for (Client client : List.copyOf(clients)) {
            client.shutdown();
        }
        // No socket of this node answers any more: a broadcast waiting for this node's alone fails now.
        pendingBroadcastAcks.advance(PendingBroadcastAcks.Stage.SOCKETS_CLOSED);
    }

    /** @return the broadcasts waiting for acks. */
    PendingBroadcastAcks pendingBroadcastAcks() {
        return pendingBroadcastAcks;
    }

    /** @return whether {@link #shutdown()} has started. Any thread. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Waits until every socket's close has run (events handled, disconnect listeners called).
     *
     * @return whether they all finished before the deadline ({@link System#nanoTime()} based)
     */
    public boolean awaitSocketsClosed(long deadlineNanos) throws InterruptedException {
        synchronized (socketsLock) {
            while (liveSockets > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(socketsLock, left);
            }
            return true;
        }
    }

    /** @return sockets whose close has not finished yet (connected ones included). */
    public long liveSockets() {
        synchronized (socketsLock) {
            return liveSockets;
        }
    }

    /**
     * @return the namespace with this name, created if needed: as a child of the first dynamic group
     *         whose matcher accepts the name with an empty auth payload (as Node's {@code of} creates
     *         a child of a matching pattern, so the group's middlewares and listeners apply), else as a
     *         static one. A dynamic child is pinned: the application holds it, so it is never removed.
     */
    public NamespaceImpl of(String name) {
        return ofHolding(name, null);
    }

    /**
     * Same as {@link #of(String)}, and {@code setup} runs on the namespace before its first client
     * connects: one this call makes holds the sockets that connect meanwhile until {@code setup} returns
     * (or throws), as a namespace holds them until its adapter is ready; one that exists already takes
     * clients as it did.
     */
    public NamespaceImpl of(String name, Consumer<? super Namespace> setup) {
        CompletableFuture<Void> setUp = new CompletableFuture<>();
        try {
            NamespaceImpl namespace = ofHolding(name, setUp);
            setup.accept(namespace);
            return namespace;
        } finally {
            setUp.complete(null);
        }
    }

    /** @param setUp for a namespace this call makes, what holds its connecting sockets; null for none */
    private NamespaceImpl ofHolding(String name, CompletableFuture<Void> setUp) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        NamespaceImpl existing = namespaces.get(normalized);
        if (existing != null && existing.isPermanent()) {
            return existing; // the common case, e.g. of("/").emit(...): no lock
        }
        // Asked even for a live child, which may be removed before the compute below.
        DynamicNamespaces group = groupAccepting(normalized, Map.of());
        return namespaces.compute(normalized, (n, current) -> {
            if (current == null) {
                if (group == null) {
                    current = new NamespaceImpl(this, n);
                } else {
                    // Counted with the clients' ones, though the application's are never refused by the limit.
                    dynamicCount.incrementAndGet();
                    try {
                        current = group.create(n);
                    } catch (RuntimeException | Error e) {
                        dynamicCount.decrementAndGet();
                        throw e;
                    }
                }
                if (setUp != null) {
                    current.holdConnectsUntil(setUp);
                }
            }
            current.pin();
            return current;
        });
    }

    /** @return the first dynamic group whose matcher accepts the name, or null; a matcher that throws is reported. */
    private DynamicNamespaces groupAccepting(String name, Map<String, Object> auth) {
        for (DynamicNamespaces group : dynamic) {
            try {
                if (group.matcher().matches(name, auth)) {
                    return group;
                }
            } catch (RuntimeException e) {
                reportError(null, null, e);
            }
        }
        return null;
    }

    /** @return the static namespaces' names, then each dynamic group's pattern, for a log line. */
    public List<String> namespaceNames() {
        List<String> names = new ArrayList<>();
        namespaces.values().stream().filter(n -> n.group() == null).map(NamespaceImpl::name).sorted()
                .forEach(names::add);
        dynamic.forEach(group -> names.add(group.name() + " (dynamic)"));
        return names;
    }

    /** Registers a dynamic namespace group. */
    public Namespace of(NamespaceMatcher matcher, String description) {
        return of(matcher, description, group -> { });
    }

    /**
     * Registers a dynamic namespace group once {@code setup} has run on it: until then no client can
     * make one of its children. A setup that throws leaves no group.
     */
    public Namespace of(NamespaceMatcher matcher, String description, Consumer<? super Namespace> setup) {
        DynamicNamespaces group = new DynamicNamespaces(this, matcher, description);
        setup.accept(group);
        dynamic.add(group);
        return group;
    }

    /**
     * The namespace a client may join under this name: a static one, a live dynamic one, or a new
     * dynamic one if a group's matcher accepts the name. A dynamic namespace returned counts the
     * caller as a member until {@link #release}: it is never removed under a joining socket.
     *
     * @return the namespace, or null when no namespace has this name and no group accepts it
     * @throws Rejection when a new dynamic namespace would pass {@code maxDynamicNamespaces}
     */
    NamespaceImpl join(String name, Map<String, Object> auth) {
        NamespaceImpl existing = namespaces.get(name);
        if (existing != null && (existing.group() == null || retain(existing))) {
            return existing;
        }
        DynamicNamespaces group = groupAccepting(name, auth == null ? Map.of() : auth);
        if (group == null) {
            return null;
        }
        NamespaceImpl namespace = namespaces.compute(name, (n, current) -> {
            if (current != null) {
                current.retain();
                return current;
            }
            if (dynamicCount.incrementAndGet() > options.maxDynamicNamespaces()) {
                dynamicCount.decrementAndGet();
                return null;
            }
            try {
                NamespaceImpl child = group.create(n);
                child.retain();
                return child;
            } catch (RuntimeException | Error e) {
                dynamicCount.decrementAndGet(); // the adapter failed to start: nothing was kept
                throw e;
            }
        });
        if (namespace == null) {
            warnings.warn("namespace-limit", "refused namespace {} from client: {} dynamic namespaces exist"
                    + " (maxDynamicNamespaces)", LogSafe.text(name), options.maxDynamicNamespaces());
            throw new Rejection(TOO_MANY_NAMESPACES);
        }
        return namespace;
    }

    /** Counts one more member of a live dynamic namespace; false if it was removed meanwhile. */
    private boolean retain(NamespaceImpl namespace) {
        boolean[] retained = {false};
        namespaces.computeIfPresent(namespace.name(), (n, current) -> {
            if (current == namespace) {
                current.retain();
                retained[0] = true;
            }
            return current;
        });
        return retained[0];
    }

    /**
     * A member of a dynamic namespace left for good: the last one removes the namespace (socket.io's
     * {@code cleanupEmptyChildNamespaces}, always on here) and closes its adapter. Atomic with
     * {@link #join} on the same name, so a joining socket either keeps it alive or gets a new one.
     * Call off the network threads (an adapter's close may take time).
     */
    void release(NamespaceImpl namespace) {
        boolean[] removed = {false};
        namespaces.computeIfPresent(namespace.name(), (n, current) -> {
            if (current != namespace || namespace.releaseMember() > 0) {
                return current;
            }
            removed[0] = true;
            return null;
        });
        if (removed[0]) {
            dynamicCount.decrementAndGet();
            namespace.group().forget(namespace);
            closeAdapter(namespace);
        }
    }

    /** @return how many namespaces dynamic groups hold now. */
    int dynamicNamespaceCount() {
        return dynamicCount.get();
    }

    /** @return the live namespace with this name, static or dynamic, or null (never creates one). */
    NamespaceImpl existing(String name) {
        return namespaces.get(name);
    }

    /** {@code action} runs once the server stopped (it never starts again). Any thread. */
    public void onStopped(Runnable action) {
        stopActions.add(action);
    }

    /** The server stopped: runs the {@link #onStopped} actions. */
    public void stopped() {
        for (Runnable action : stopActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                Loggers.SERVER.warn("releasing what the server held on stop failed", e);
            }
        }
    }

    /** Closes every namespace's adapter (the server stopped). */
    public void closeAdapters() {
        for (NamespaceImpl namespace : namespaces.values()) {
            closeAdapter(namespace);
        }
        pendingBroadcastAcks.advance(PendingBroadcastAcks.Stage.ADAPTERS_CLOSED); // no other node answers either
    }

    private static void closeAdapter(NamespaceImpl namespace) {
        try {
            namespace.closeAdapter();
        } catch (RuntimeException e) {
            Loggers.ADAPTER.warn("closing the adapter of {} failed", LogSafe.text(namespace.name()), e);
        }
    }

    /**
     * The default error hook. Namespace and event names come from clients: they are escaped and cut
     * (a CR/LF cannot start a forged line), and client errors are rate-limited, since a client can
     * cause one per packet.
     */
    private void logError(io.windsock.server.Socket socket, String event, Throwable error) {
        String where = socket == null ? "" : " (socket " + socket.id() + " in " + LogSafe.text(socket.namespace().name())
                + (event == null ? "" : ", event '" + LogSafe.text(event) + "'") + ")";
        if (error instanceof ClientError) {
            clientErrors.warn("client-error", "{}{}", LogSafe.text(error.getMessage(), MAX_MESSAGE_CHARS), where);
        } else {
            Loggers.ERRORS.error("handler failed{}", where, error);
        }
    }
}
