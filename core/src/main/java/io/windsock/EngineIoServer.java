package io.windsock;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.SessionLimit;
import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.exec.RetryingExecutor;
import io.windsock.internal.exec.ServerStop;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.server.InboundQueue;
import io.windsock.internal.server.StatsCounters;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.LoopTurnEnds;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A raw Engine.IO server (like Node's {@code engine.io} package): sessions that exchange text and
 * binary messages, with no namespaces or events. Uses the transport, engine and limit settings of
 * {@link WindsockOptions} (set its path, e.g. {@code /engine.io/}); the Socket.IO settings
 * (namespaces, connection state recovery, protocol 1, static files, the client bundle) do not apply.
 *
 * <p>Limits, as for {@link Windsock} (docs/limits.md): {@link WindsockOptions#maxSessions()} caps the
 * sessions open at once (a handshake past it gets 403 {@code {"code":4,"message":"Too many sessions"}},
 * 400 to a WebSocket handshake); {@link WindsockOptions#maxQueuedEvents()} and
 * {@link WindsockOptions#maxQueuedEventBytes()} bound what one session holds for its listener, each
 * message counting as an event of its size (characters of text, bytes of binary) from its arrival until
 * {@code onMessage}/{@code onBinary} returns: above a quarter of either the session is not read (the
 * client's sends wait), under an eighth it is again, and a message that arrives at the bound itself
 * (from a client that went on sending while not read) closes the session, after the messages before it
 * have been delivered.
 *
 * <p>Threading: listener methods of one connection run in order on the handler executor, never on
 * a network thread. {@link Connection} methods may be called from any thread.
 *
 * <p>Lifecycle: {@link #start()} binds the port, once; {@link #stop(Duration)} closes the sessions,
 * waits (up to a timeout) for their listeners to finish, and is final, as for {@link Windsock}.
 * Thread-safe.
 */
public final class EngineIoServer implements AutoCloseable {
    /** Receives the life of each connection. */
    public interface Listener {
        void onOpen(Connection connection);

        void onMessage(Connection connection, String text);

        void onBinary(Connection connection, byte[] data);

        void onClose(Connection connection, String reason);
    }

    /**
     * One client session. Any thread; sends after the close are dropped.
     */
    public interface Connection {
        /** @return the session id (the {@code sid} the client sends). */
        String id();

        /** @return the handshake request that opened the session. */
        EngineRequest request();

        /** @return the current transport: {@code "polling"}, or {@code "websocket"} once upgraded. */
        String transport();

        /**
         * Sends a text message. Dropped after the close, and when refused at
         * {@link io.windsock.engine.EngineOptions#maxPendingOutboundBytes()} (which closes the session);
         * either way counted in {@link ServerStats#droppedAfterClose()}, never thrown.
         */
        void send(String text);

        /** Sends a binary message; dropped as text is. */
        void send(byte[] data);

        /** Closes the session after what is queued has been sent. */
        void close();
    }

    private static final Logger log = Loggers.SERVER;

    private final WindsockOptions options;
    private final Listener listener;
    private final InboundQueue.Limits inboundLimits;
    private final StatsCounters stats = new StatsCounters(System::nanoTime);
    private final ExecutorService ownedExecutor;
    private final Executor executor;
    /** The running server, set once bound (and kept after the stop). Guarded by this. */
    private HttpServer http;
    /** The session table of {@link #http}. Guarded by this. */
    private EngineServer engine;
    private InetSocketAddress address;
    /** Completed when the first stop (or a failed start) has finished; null until then. Guarded by this. */
    private CompletableFuture<Void> stopped;
    /** Set by the stop before it closes the sessions: one whose handshake races it is closed at once. Guarded by sessionsLock. */
    private boolean shuttingDown;
    /** Sessions counted (see {@link #countUnlessStopping()}) whose listener's {@code onClose} has not returned yet. Guarded by sessionsLock. */
    private int liveSessions;
    private final Object sessionsLock = new Object();
    /** Each session's last act (one object for all of them). */
    private final Runnable sessionClosed = this::sessionDone;
    /** Runs on the network thread at the start of each handshake's {@link #onSession}: lets a test hold it there. */
    volatile Runnable beforeSessionCounted = () -> { };

    public EngineIoServer(WindsockOptions options, Listener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.inboundLimits = InboundQueue.Limits.of(options.maxQueuedEvents(), options.maxQueuedEventBytes());
        this.ownedExecutor = options.handlerExecutor() == null
                ? HandlerExecutors.newDefault(LoopTurnEnds.INSTANCE) : null;
        this.executor = ownedExecutor != null ? ownedExecutor : RetryingExecutor.wrap(options.handlerExecutor());
    }

    /**
     * Binds the port and starts serving, once. A start that fails leaves the server stopped, as
     * {@link #stop()} would: nothing listens and no thread of it is left.
     *
     * @throws java.io.UncheckedIOException when the port cannot be listened on (in use, or an address
     *                                      that is not this machine's); its cause is a
     *                                      {@link java.net.BindException} whose message names the
     *                                      address and port
     * @throws IllegalStateException when already started (the running server is left alone), when
     *                               stopped (a stopped server does not restart; make a new one), or
     *                               when interrupted while binding
     */
    public synchronized EngineIoServer start() {
        if (stopped != null) {
            throw new IllegalStateException("this server was stopped and cannot start again; make a new one");
        }
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        EngineServer sessions = new EngineServer(options.engine(), this::onSession, new SessionLimit(options.maxSessions()));
        TransportConfig config = TransportSettings.of(options, HttpFallback.NONE, null);
        HttpServer server = new HttpServer(config, sessions);
        try {
            address = server.start(options.host(), options.port(), options.ioThreads());
        } catch (InterruptedException e) {
            stopAfterFailedStart(); // the HTTP server has released its own threads and ports
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException | Error e) {
            stopAfterFailedStart();
            throw e;
        }
        http = server;
        engine = sessions;
        return this;
    }

    /** No session exists yet: this only ends the default handler executor. Under the lock. */
    private void stopAfterFailedStart() {
        stopped = new CompletableFuture<>();
        shutdown(null, null, options.shutdownTimeout(), stopped);
    }

    /** @return the port bound (useful with port 0), or -1 before a start that succeeded. */
    public synchronized int port() {
        return address == null ? -1 : address.getPort();
    }

    /** {@link #stop(Duration)} with {@link WindsockOptions#shutdownTimeout()} (default 10 s). */
    public void stop() {
        stop(options.shutdownTimeout());
    }

    /**
     * Stops the server, in stages, as {@link Windsock#stop(Duration)} does:
     * <ol>
     * <li>stops accepting connections (a handshake already on its way is closed at once, and its
     *     session never reaches the listener);</li>
     * <li>closes every session at once with reason {@code "server shutting down"}: a WebSocket gets
     *     its close frame, a waiting poll the CLOSE packet; what was queued for the client and not yet
     *     written is dropped, as Node's {@code engine.io} {@code close()} discards it;</li>
     * <li>waits until the messages that arrived before have been delivered and every session's
     *     {@code onClose} has returned; messages sent meanwhile are dropped (counted in
     *     {@link ServerStats#droppedAfterClose()}, never thrown);</li>
     * <li>ends the network threads, then the default handler executor (a handler executor given in
     *     the options is the application's to shut down); past the timeout its running listeners are
     *     interrupted, and the tasks queued there still run, after this method has returned (on
     *     daemon threads: what has not run when the JVM exits is lost).</li>
     * </ol>
     * Waiting is bounded by {@code timeout} (stages 3 and 4 share it); past it the server stops
     * anyway and logs how many sessions were still busy. Final: {@link #start()} then throws.
     * Idempotent: a later call waits for the first to finish. Callable from any thread: called from a
     * listener, from another task on the handler executor, or from one of this server's network
     * threads, it starts the stop on a thread of its own and returns at once, because waiting there
     * would wait for itself (a session's {@code onClose} runs after its listener's current call).
     */
    public void stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<Void> done;
        HttpServer server;
        EngineServer sessions;
        boolean first;
        synchronized (this) {
            first = stopped == null;
            if (first) {
                stopped = new CompletableFuture<>();
            }
            done = stopped;
            server = http;
            sessions = engine;
        }
        ServerStop.run(first, done, server != null && server.isEventLoopThread(), timeout,
                () -> shutdown(server, sessions, timeout, done), log);
    }

    private void shutdown(HttpServer server, EngineServer sessions, Duration timeout, CompletableFuture<Void> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            if (server != null) {
                server.stopAccepting();
            }
            refuseNewSessions(); // before the sessions are closed: see onSession
            if (sessions != null) {
                sessions.shutdown();
            }
            try {
                if (!awaitSessionsClosed(deadline)) {
                    log.warn("stopping: {} sessions still had listeners running after {} ms; stopping anyway",
                            liveSessions(), timeout.toMillis());
                }
            } catch (InterruptedException e) {
                interrupted = true;
                deadline = System.nanoTime();
            }
            if (server != null) {
                server.closeSessionsAndReleaseThreads(ServerStop.millisLeft(deadline));
            }
            // Only now, with the network threads ended: a task handed to the default executor after its
            // shutdown runs on the caller, and the caller must never be an event loop.
            if (ownedExecutor != null) {
                interrupted = ServerStop.endExecutor(ownedExecutor, deadline, interrupted, timeout, log);
            }
        } finally {
            done.complete(null);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether every session's {@code onClose} returned before the deadline ({@link System#nanoTime()} based) */
    private boolean awaitSessionsClosed(long deadlineNanos) throws InterruptedException {
        synchronized (sessionsLock) {
            while (liveSessions > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(sessionsLock, left);
            }
            return true;
        }
    }

    private int liveSessions() {
        synchronized (sessionsLock) {
            return liveSessions;
        }
    }

    /**
     * Counts a session unless the stop has begun, under the lock the stop sets {@link #shuttingDown}
     * under: a session counted was in the session table before the stop closed what is there and
     * started its wait, so the wait covers its {@code onClose}.
     *
     * @return whether the session was counted (false: the server is stopping)
     */
    private boolean countUnlessStopping() {
        synchronized (sessionsLock) {
            if (shuttingDown) {
                return false;
            }
            liveSessions++;
            return true;
        }
    }

    /** From now on a session's handshake is refused by {@link #countUnlessStopping()}. */
    private void refuseNewSessions() {
        synchronized (sessionsLock) {
            shuttingDown = true;
        }
    }

    private void sessionDone() {
        synchronized (sessionsLock) {
            if (--liveSessions == 0) {
                sessionsLock.notifyAll();
            }
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * @return a snapshot of this server's statistics, in the record {@link Windsock#stats()} returns:
     *         sessions open now and at most ({@code engineSessions}, {@code peakEngineSessions}: from
     *         the handshake until the session closes), sessions opened per second, messages sent and
     *         received per second (the {@code packets} rates: one per {@link Connection#send} queued,
     *         one per message read), the inbound flow control's counters (each message an event of its
     *         size, see above), and {@code droppedAfterClose}: sends after the session closed, or
     *         refused at {@link io.windsock.engine.EngineOptions#maxPendingOutboundBytes()}, which closes
     *         it. There are no sockets: {@code sockets} and {@code peakSockets} are 0. Cheap (a few
     *         counter reads); any thread, at any time, before start and after stop too.
     */
    public ServerStats stats() {
        return stats.snapshot();
    }

    /** On the session's network thread, right after its handshake. */
    private void onSession(EngineSession session) {
        beforeSessionCounted.run();
        if (!countUnlessStopping()) {
            // A handshake that raced the stop, which may have waited for the sessions already: this one
            // never reaches the listener (as a connection racing Windsock's stop never gets a socket),
            // so no onClose can come after the stop. Closed in a task of its own, so that the handshake
            // completes first.
            session.scheduler().execute(session::shutdown);
            return;
        }
        session.setHandler(new EngineIoSession(session, listener, executor, stats, inboundLimits, sessionClosed));
    }
}
