package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.internal.server.SocketHooks;
import io.windsock.internal.server.SocketRecovery;
import io.windsock.internal.server.Timers;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Socket;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * One namespace (or dynamic group) served by a connection class: gives each socket its instance,
 * and with connection state recovery keeps the instance of a socket that left involuntarily so that
 * its recovered successor gets it back, fields intact.
 *
 * <p>Two entry points, because recovery may skip the namespace's middlewares: {@link #admit} is a
 * middleware (every fresh connection, and recoveries when middlewares run); {@link #connected} is a
 * connection listener that serves the sockets the middleware never saw (recovered, middlewares
 * skipped). Either way {@code onOpen} runs once per socket, on the kept instance when there is one.
 *
 * <p>Kept instances: one per socket that left with a recoverable reason while recovery is on and
 * its client can recover (so a session was persisted for it), for
 * {@code maxDisconnectionDuration} (the life of its persisted session), then dropped; at most
 * {@code maxPersistedSessions} of them (the adapter's bound on sessions), the oldest dropped first.
 * A recovered socket takes its instance out; if that socket is refused, the instance is kept again,
 * as its session is: at once when {@code onOpen} refused (before the client hears of it); when a
 * later middleware refused, or the client dropped, only after the {@code onClose} pairing with the
 * accepted {@code onOpen} ran, on the refused socket's executor. A retry that arrives before then
 * (a slow {@code onClose}, a busy pool) finds nothing and gets a new instance; the old one is kept
 * later under the same key and waits out its window unused, or is replaced when the retry's socket
 * leaves in turn. Nothing waits for it: a middleware runs on the socket's executor, where waiting
 * would hold a pool thread. While kept, an instance is attached to an {@link AwaySocket}, which holds nothing
 * of the socket that left.
 */
final class ServedNamespace {
    private static final Logger log = Loggers.ERRORS;

    /** The class the namespace was served with, whose hooks count for the factory's instances (proxies too); or null. */
    private final Class<? extends SocketConnection> servedType;
    /** The class whose parameter types registration checked against the server's mapper. */
    private final Class<? extends SocketConnection> checkedType;
    /**
     * Other classes the factory returned (subclasses, proxies) whose parameter types passed the same
     * check; weak, so that serving holds no class.
     */
    private final Set<Class<?>> alsoChecked = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Supplier<? extends SocketConnection> factory;
    private final ConnectionOptions options;
    /** Sockets the middleware attached an instance to, until their connection listener runs; weak, so a refused one just goes. */
    private final Set<Socket> admitted = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /**
     * Instances of sockets that left recoverably, by namespace name and socket id (a recovered socket
     * keeps its id), oldest first; guarded by itself (a few operations per connection, none per event).
     */
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();
    /** Whether the server's stop will drop the kept instances; guarded by {@link #kept}. */
    private boolean releasedOnStop;
    /** The server stopped and never starts again: no recovery to keep instances for. Guarded by {@link #kept}. */
    private boolean stopped;

    /** One keeping of an instance, with the timer that ends it; a new one each time, so an old timer never ends a later keeping. */
    private static final class Kept {
        final SocketConnection connection;
        volatile ScheduledFuture<?> expiry;

        Kept(SocketConnection connection) {
            this.connection = connection;
        }

        void cancelExpiry() {
            ScheduledFuture<?> timer = expiry;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * @param servedType  the class named when serving, or null when only the factory tells it
     * @param checkedType the class registration checked (the named one, or the factory's first instance's)
     */
    ServedNamespace(Class<? extends SocketConnection> servedType, Class<? extends SocketConnection> checkedType,
                    Supplier<? extends SocketConnection> factory, ConnectionOptions options) {
        this.servedType = servedType;
        this.checkedType = checkedType;
        this.factory = factory;
        this.options = options;
    }

    /** The middleware step. Socket executor; throws to refuse. */
    void admit(Socket socket) throws Exception {
        SocketConnection taken = takeKept(socket);
        ConnectionDriver driver;
        try {
            driver = driverFor(socket, taken);
            driver.open();
        } catch (Exception | Error e) {
            if (taken != null) {
                keepAgain(socket, taken); // the namespace keeps the session for a retry: its instance too
            }
            throw e;
        }
        admitted.add(socket);
        keepOnRecoverableClose(socket, driver.connection());
        if (taken != null) {
            // The recovery may still not connect: a later middleware refuses it (the namespace keeps the
            // session for a retry), or its client drops meanwhile (the close persists the session). The
            // instance is then kept again, after the onClose that pairs with its onOpen (registered
            // before this), so no retry takes it while that runs.
            SocketHooks.onAbandoned(socket, reason -> {
                if (reason.isRecoverable() || reason == DisconnectReason.SERVER_NAMESPACE_DISCONNECT) {
                    keepAgain(socket, taken);
                }
            });
        }
    }

    /** The connection listener: serves a socket that connected without the middleware step. Socket executor. */
    void connected(Socket socket) {
        if (admitted.remove(socket)) {
            return;
        }
        ConnectionDriver driver;
        try {
            driver = driverFor(socket, takeKept(socket));
        } catch (RuntimeException | Error e) {
            // The client has its CONNECT reply already: without an instance the socket would hear nothing.
            socket.disconnect(false);
            throw e; // reported by the namespace
        }
        driver.openConnected();
        keepOnRecoverableClose(socket, driver.connection());
    }

    /** @return the kept instance of a recovered socket's session, taken out, or null. */
    private SocketConnection takeKept(Socket socket) {
        Kept taken = socket.recovered() ? take(key(socket)) : null;
        if (taken == null) {
            return null;
        }
        taken.cancelExpiry();
        return taken.connection;
    }

    /**
     * @param kept the kept instance of the socket's session, or null
     * @return a driver for the socket: on the kept instance if there is one, else on a new one
     */
    private ConnectionDriver driverFor(Socket socket, SocketConnection kept) {
        SocketConnection connection = kept;
        boolean again = connection != null;
        if (connection == null) {
            connection = factory.get();
            if (connection == null) {
                throw new IllegalStateException("the connection factory for " + socket.namespace().name() + " returned null");
            }
        }
        ConnectionType type = typeOf(socket, connection);
        ObjectMapper mapper;
        ErrorHandler errors;
        if (socket.namespace() instanceof NamespaceImpl ns) {
            SocketIoServer server = ns.server();
            mapper = server.json().mapper();
            errors = server.errorHandler();
        } else { // a namespace of another implementation (tests): Jackson's defaults, errors logged
            mapper = DefaultsHolder.MAPPER;
            errors = (s, event, error) -> log.warn("socket {} event {}: {}", s == null ? null : s.id(),
                    LogSafe.text(event), error.toString(), error);
        }
        Class<? extends SocketConnection> runtime = connection.getClass();
        if (runtime != checkedType && !alsoChecked.contains(runtime)) {
            // A subclass may add handlers: their types must be buildable too, or a value failing to
            // convert would be blamed on the client (dispatch counts on this check having been made).
            type.requireMapperSupport(runtime, mapper);
            alsoChecked.add(runtime);
        }
        return new ConnectionDriver(connection, socket, type, mapper, errors, options, again);
    }

    /**
     * The binding of the instance's class. Given the served class, a subclass (a container's proxy)
     * binds its handlers, but the served class's hooks decide the dispatch: a proxy overrides
     * {@code onEvent} and {@code onMessage} only to delegate.
     */
    private ConnectionType typeOf(Socket socket, SocketConnection connection) {
        Class<? extends SocketConnection> runtime = connection.getClass();
        if (servedType == null) {
            return ConnectionType.of(runtime);
        }
        if (!servedType.isInstance(connection)) { // possible through raw types only
            throw new IllegalStateException("the connection factory for " + socket.namespace().name() + " returned a "
                    + runtime.getName() + ", not a " + servedType.getName());
        }
        return ConnectionType.of(runtime, servedType);
    }

    /** After {@code onClose}: a recoverable leave keeps the instance for the recovery window. */
    private void keepOnRecoverableClose(Socket socket, SocketConnection connection) {
        if (!(socket.namespace() instanceof NamespaceImpl ns) || ns.recovery() == null) {
            return; // the namespace's own setting, else the server-wide one
        }
        if (!SocketRecovery.canRecover(socket)) {
            // No session is persisted for a client whose protocol cannot recover (Engine.IO v3,
            // protocol 1): its instance would only take the place of one a v5 client comes back for.
            return;
        }
        ConnectionStateRecovery recovery = ns.recovery();
        SocketIoServer server = ns.server();
        socket.onDisconnect(reason -> {
            if (reason.isRecoverable()) {
                keep(socket, connection, recovery, server);
            }
        });
    }

    /**
     * A recovering socket that took the kept instance did not connect: refused (the namespace keeps the
     * session for the client's retry, as socket.io, whose recovery only reads the session) or left
     * recoverably (its close persists the session), so the instance is kept again. (A connecting socket
     * the application made leave also ends with {@code server namespace disconnect}, and persists no
     * session: its instance waits out its window like that of a client that never comes back.)
     */
    private void keepAgain(Socket socket, SocketConnection connection) {
        if (socket.namespace() instanceof NamespaceImpl ns && ns.recovery() != null) {
            keep(socket, connection, ns.recovery(), ns.server());
        }
    }

    private void keep(Socket socket, SocketConnection connection, ConnectionStateRecovery recovery, SocketIoServer server) {
        String key = key(socket);
        Kept entry = new Kept(connection);
        Kept replaced;
        Kept evicted = null;
        // Before the instance can be taken back, and then attached to nothing of the socket that left:
        // that socket holds its handshake (every request header), its connection and its Engine.IO
        // session, kilobytes a kept instance would hold for the whole window.
        ConnectionAccess.reattach(connection, new AwaySocket(socket, server.stats()));
        synchronized (kept) {
            // A stopping server keeps nothing: it does not start again, so a recovery can only happen
            // elsewhere, and a kept instance would hold the whole stopped server until its timer.
            if (stopped || server.isShuttingDown()) {
                return;
            }
            if (!releasedOnStop) {
                releasedOnStop = true;
                server.onStopped(this::dropAll);
            }
            replaced = kept.remove(key); // put again, so it is the newest
            kept.put(key, entry);
            if (kept.size() > recovery.maxPersistedSessions()) { // the adapter drops its oldest session too
                Iterator<Kept> oldest = kept.values().iterator();
                evicted = oldest.next();
                oldest.remove();
            }
        }
        if (replaced != null) {
            replaced.cancelExpiry();
        }
        if (evicted != null) {
            evicted.cancelExpiry();
        }
        entry.expiry = Timers.schedule(() -> {
            synchronized (kept) {
                kept.remove(key, entry);
            }
        }, recovery.maxDisconnectionDuration());
        synchronized (kept) {
            if (stopped) { // the stop dropped the entry before its timer existed
                entry.cancelExpiry();
            }
        }
    }

    /** The server stopped: drops every kept instance and its timer. */
    private void dropAll() {
        List<Kept> dropped;
        synchronized (kept) {
            stopped = true;
            dropped = List.copyOf(kept.values());
            kept.clear();
        }
        dropped.forEach(Kept::cancelExpiry);
    }

    private Kept take(String key) {
        synchronized (kept) {
            return kept.remove(key);
        }
    }

    private static String key(Socket socket) {
        return socket.namespace().name() + '\0' + socket.id();
    }

    /** @return how many instances wait for their socket's recovery (for tests). */
    int keptCount() {
        synchronized (kept) {
            return kept.size();
        }
    }

    private static final class DefaultsHolder {
        static final ObjectMapper MAPPER = new JacksonJsonCodec().mapper();
    }
}
