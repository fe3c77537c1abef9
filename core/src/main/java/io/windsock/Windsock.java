package io.windsock;

import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.SessionLimit;
import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.exec.RetryingExecutor;
import io.windsock.internal.exec.ServerStop;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.internal.sio1.Sio1FrontEnd;
import io.windsock.internal.transport.ClasspathResources;
import io.windsock.internal.transport.ClientBundle;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.LoopTurnEnds;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.BroadcastOperator;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.ServerStats;
import io.windsock.server.Socket;
import io.windsock.server.IoTransport;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * A Socket.IO server.
 *
 * <pre>{@code
 * Windsock server = Windsock.builder()
 *         .port(8001)
 *         .namespace("/chat", chat -> chat.onConnection(socket ->
 *                 socket.on("hello", (data, ack) -> ack.send("hi " + data.get(0)))))
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds the port, once, and logs the address at INFO; from then on
 * the server's network threads keep the JVM alive (they are not daemon threads), so a {@code main}
 * that starts a server and returns leaves it serving. {@link #stop()} shuts down in stages (see
 * there), ends those threads, and is final: a stopped server cannot start again ({@link #start()} then throws
 * {@link IllegalStateException}); build a new one. Namespaces may be added before or after start.
 * Thread-safe.
 */
public final class Windsock implements AutoCloseable {
    private static final Logger log = Loggers.SERVER;

    private final WindsockOptions options;
    private final SocketIoServer sockets;
    private final ExecutorService ownedExecutor;
    private final List<ClasspathResources.Mount> staticResources;
    /** Guarded by this. */
    private HttpServer http;
    private InetSocketAddress address;
    /** Completed when the first stop has finished; null until stop is called. Guarded by this. */
    private CompletableFuture<Void> stopped;

    private Windsock(Builder builder) {
        this.options = builder.port == null ? builder.options : builder.options.toBuilder().port(builder.port).build();
        this.ownedExecutor = options.handlerExecutor() == null
                ? HandlerExecutors.newDefault(LoopTurnEnds.INSTANCE) : null;
        this.sockets = new SocketIoServer(options, builder.adapters,
                ownedExecutor != null ? ownedExecutor : RetryingExecutor.wrap(options.handlerExecutor()));
        this.staticResources = List.copyOf(builder.staticResources);
        for (Consumer<Windsock> setup : builder.setups) {
            setup.accept(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port (and the Socket.IO 0.9 Flash policy port, when set) and starts serving.
     *
     * <p>A start that fails, for any of the reasons below, leaves the server stopped, as
     * {@link #stop()} would: nothing listens, no thread of it is left, its namespaces' adapters are
     * closed and its default handler pool is ended; a later {@code start()} throws
     * {@link IllegalStateException}. Build a new server to try again.
     *
     * @throws java.io.UncheckedIOException when a port cannot be listened on (in use, or an address
     *                                      that is not this machine's); its cause is a
     *                                      {@link java.net.BindException} whose message names the
     *                                      address and port
     * @throws IllegalStateException when already started (the running server is left alone), when
     *                               stopped (a stopped server does not restart: its threads and adapters
     *                               are released), when serveClient is on without the client bundle on
     *                               the classpath, when a static resources folder is missing, or when
     *                               interrupted while binding
     */
    public synchronized Windsock start() {
        if (stopped != null) {
            throw new IllegalStateException("this server was stopped and cannot start again; build a new one");
        }
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer server;
        try {
            server = bind();
        } catch (InterruptedException e) {
            stopAfterFailedStart();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException | Error e) {
            stopAfterFailedStart();
            throw e;
        }
        http = server;
        log.info("Windsock listening on {}://{}:{}{} (namespaces: {}; transport: {})",
                options.sslContext() != null ? "https" : "http", options.host(), address.getPort(),
                options.path(), String.join(", ", sockets.namespaceNames()), server.transport().displayName());
        return this;
    }

    /** Makes the network side and binds it; on failure it has released its own threads and ports. Under the lock. */
    private HttpServer bind() throws InterruptedException {
        ClientBundle clientBundle = options.serveClient()
                ? ClientBundle.load(options.path(), options.cors()) : null;
        HttpFallback pages = staticResources.isEmpty() ? HttpFallback.NONE : ClasspathResources.load(staticResources);
        SessionLimit sessionLimit = new SessionLimit(options.maxSessions());
        EngineServer engine = new EngineServer(options.engine(), sockets::onEngineConnection, sessionLimit);
        TransportConfig config = TransportSettings.of(options, pages, clientBundle,
                Sio1FrontEnd.create(options, sockets, sessionLimit));
        HttpServer server = new HttpServer(config, engine);
        address = server.start(options.host(), options.port(), options.ioThreads());
        return server;
    }

    /**
     * What the constructor started (the adapters of the namespaces set up so far, the default handler
     * pool) would otherwise outlive a start the caller sees fail: a cluster adapter's connections keep
     * the JVM alive. No socket exists yet, so this is quick. Under the lock.
     */
    private void stopAfterFailedStart() {
        stopped = new CompletableFuture<>();
        shutdown(null, options.shutdownTimeout(), stopped);
    }

    /** {@link #stop(Duration)} with {@link WindsockOptions#shutdownTimeout()} (default 10 s). */
    public void stop() {
        stop(options.shutdownTimeout());
    }

    /**
     * Stops the server, in stages:
     * <ol>
     * <li>stops accepting connections (a handshake already on its way is closed at once, and a
     *     CONNECT read from now on gets no socket);</li>
     * <li>every socket leaves with {@link io.windsock.server.DisconnectReason#SERVER_SHUTTING_DOWN}
     *     and every connection closes after what was already sent to it: a WebSocket gets its close
     *     frame, a waiting poll the Engine.IO CLOSE packet. As with Node's {@code io.close()}, no
     *     Socket.IO DISCONNECT is sent, so socket.io clients see "transport close" and reconnect (to
     *     another node, or to this one once restarted); the {@code emitWithAck} futures waiting on
     *     those sockets fail, and so do broadcasts waiting for acks only this node's clients could give;</li>
     * <li>waits until the events that arrived before have been handled and every socket's
     *     disconnect listeners (a connection class's {@code onClose}) have run; emits they make are
     *     dropped (counted, never thrown);</li>
     * <li>ends the network threads, closes the namespaces' adapters (a broadcast still waiting for
     *     other nodes' acks fails then), then ends the default handler
     *     pool (a handler executor given in the options is the application's to shut down); past the
     *     timeout its running handlers are interrupted, and the tasks queued there still run, after
     *     this method has returned (on daemon threads: what has not run when the JVM exits is lost).</li>
     * </ol>
     * Waiting is bounded by {@code timeout} (stages 3 and 4 share it); past it the server stops
     * anyway and logs how many sockets were still busy. Idempotent: a later call waits for the first
     * to finish. Callable from any thread: called from a handler, from anything else the server runs
     * on the handler executor (an ack's completion, the error hook), or from one of this server's
     * network threads, it starts the stop on a thread of its own and returns at once, because
     * waiting there would wait for itself (a handler's own socket cannot close while it runs; the
     * sockets' closing tasks may be queued behind that thread).
     */
    public void stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<Void> done;
        HttpServer server;
        boolean first;
        synchronized (this) {
            first = stopped == null;
            if (first) {
                stopped = new CompletableFuture<>();
            }
            done = stopped;
            server = http;
        }
        ServerStop.run(first, done, server != null && server.isEventLoopThread(), timeout,
                () -> shutdown(server, timeout, done), log);
    }

    private void shutdown(HttpServer server, Duration timeout, CompletableFuture<Void> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            if (server != null) {
                server.stopAccepting();
            }
            sockets.shutdown();
            try {
                if (!sockets.awaitSocketsClosed(deadline)) {
                    log.warn("stopping: {} sockets still had handlers running after {} ms; stopping anyway",
                            sockets.liveSockets(), timeout.toMillis());
                }
            } catch (InterruptedException e) {
                interrupted = true;
                deadline = System.nanoTime();
            }
            if (server != null) {
                server.closeSessionsAndReleaseThreads(ServerStop.millisLeft(deadline));
            }
            sockets.closeAdapters();
            sockets.stopped();
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

    /** @return the Socket.IO layer, for tests of this package. */
    SocketIoServer socketLayer() {
        return sockets;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** @return the port bound (useful with port 0), or -1 before start. */
    public synchronized int port() {
        return address == null ? -1 : address.getPort();
    }

    /**
     * @return the Netty transport the server runs on ({@link IoTransport#IO_URING}, {@link IoTransport#EPOLL}
     *         or {@link IoTransport#NIO}; see {@link WindsockOptions.Builder#ioTransport}), or {@code null}
     *         before {@link #start()}
     */
    public synchronized IoTransport ioTransport() {
        return http == null ? null : TransportSettings.choice(http.transport());
    }

    public WindsockOptions options() {
        return options;
    }

    /**
     * @return the namespace with this name ({@code "/"} is the main one), created if needed: as a child
     *         of a dynamic group ({@link #of(Pattern)}, {@link #of(NamespaceMatcher)} with an empty auth
     *         payload) that accepts the name, so its middlewares and listeners apply, as in Node; else
     *         static. Either way it is never removed. A namespace made here on a running server takes
     *         clients at once, before the middlewares added to it next: set it up before {@link #start()},
     *         or with {@link #of(String, Consumer)}.
     */
    public Namespace of(String name) {
        return sockets.of(name);
    }

    /**
     * {@link #of(String)} for a running server: {@code setup} (adding middlewares and listeners, or
     * {@code Connections.serve}) runs before the namespace takes its first client. A namespace this call
     * makes holds the clients that connect meanwhile (their CONNECT is answered once {@code setup}
     * returns, within {@code connectTimeout}); one that existed already keeps taking clients while
     * {@code setup} runs on it. {@code setup} runs on the calling thread; if it throws, the namespace
     * stays, with what it added, and the exception is thrown here.
     *
     * @return the namespace, set up
     */
    public Namespace of(String name, Consumer<? super Namespace> setup) {
        return sockets.of(name, Objects.requireNonNull(setup, "setup"));
    }

    /**
     * A group of namespaces created on demand. Its operations act on the children that exist on this
     * node (a child exists where a client joined it), each across the cluster for its name. With a
     * cluster adapter, {@code emit}, {@code to(...).emit}, {@code emitWithAck}, {@code socketsJoin},
     * {@code socketsLeave}, {@code disconnectSockets} and {@code serverSideEmit} therefore miss a child
     * that only other nodes serve (Node's parent namespace reaches only its own children with
     * {@code emit} too). {@code fetchSockets}, whose answer would silently lack those sockets, throws
     * {@link UnsupportedOperationException} as Node's does, unless {@code local()} (this node's sockets
     * are then all it promises); {@code serverSideEmitWithAck} always throws it. To act on one name on
     * every node, use {@link #of(String)}.
     *
     * @return a group of namespaces created on demand for names the pattern matches in full. As in Node,
     *         a child starts with a copy of the group's middlewares and connection listeners: ones added
     *         to the group later reach only children created later, and ones added to a child
     *         ({@code of(name)}, {@code socket.namespace()}) only that child. The group's server-side
     *         event listeners reach every child, present and future, unless it has its own for the event.
     *         A group made on a running server makes children at once: one made before its middlewares
     *         and listeners are added keeps none of them while it lives. Set groups up before
     *         {@link #start()}, or with {@link #of(Pattern, Consumer)}.
     */
    public Namespace of(Pattern pattern) {
        return of(pattern, group -> { });
    }

    /**
     * {@link #of(Pattern)} for a running server: the group makes its first child only once {@code setup}
     * has run on it (on the calling thread), so every child starts with what {@code setup} added. Until
     * then a client asking for a name it matches is refused, as before this call. A {@code setup} that
     * throws leaves no group.
     */
    public Namespace of(Pattern pattern, Consumer<? super Namespace> setup) {
        return sockets.of((name, auth) -> pattern.matcher(name).matches(), pattern.pattern(),
                Objects.requireNonNull(setup, "setup"));
    }

    /**
     * @return a group of namespaces created on demand for names (and auth payloads) the matcher accepts;
     *         its middlewares, listeners and operations reach its children as with {@link #of(Pattern)}
     */
    public Namespace of(NamespaceMatcher matcher) {
        return of(matcher, group -> { });
    }

    /** {@link #of(NamespaceMatcher)}, set up before its first child as with {@link #of(Pattern, Consumer)}. */
    public Namespace of(NamespaceMatcher matcher, Consumer<? super Namespace> setup) {
        return sockets.of(matcher, matcher.toString(), Objects.requireNonNull(setup, "setup"));
    }

    /** Sends an event to every socket of the main namespace. */
    public void emit(String event, Object... args) {
        of("/").emit(event, args);
    }

    /** @return an operator selecting every socket of the main namespace (see {@link Namespace#broadcast()}). */
    public BroadcastOperator broadcast() {
        return of("/").broadcast();
    }

    /** @return an operator selecting the sockets of the main namespace in these rooms, from any thread. */
    public BroadcastOperator to(String... rooms) {
        return of("/").to(rooms);
    }

    /** Same as {@link #to}. */
    public BroadcastOperator in(String... rooms) {
        return of("/").to(rooms);
    }

    /** @return an operator selecting every socket of the main namespace but those in these rooms. */
    public BroadcastOperator except(String... rooms) {
        return of("/").except(rooms);
    }

    /**
     * @return a snapshot of this server's statistics: connections and sockets open now and at most,
     *         connections opened and packets sent and received per second (10-second moving
     *         averages), and the inbound flow control's counters. Cheap (a few counter reads); any
     *         thread, at any time, before start and after stop too.
     */
    public ServerStats stats() {
        return sockets.stats().snapshot();
    }

    /** Builds a server; nothing starts until {@link Windsock#start()}. */
    public static final class Builder {
        private WindsockOptions options = WindsockOptions.builder().build();
        /** The {@link #port(int)} shortcut's, applied over the options when built: then the order of the calls does not matter. */
        private Integer port;
        private AdapterFactory adapters = InMemoryAdapter::new;
        private final List<Consumer<Windsock>> setups = new ArrayList<>();
        private final List<ClasspathResources.Mount> staticResources = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets every option at once, replacing options set before; a {@link #port(int)}, before or
         * after this, still decides the port.
         */
        public Builder options(WindsockOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets what makes each namespace's adapter (rooms, broadcasts, connection state recovery
         * storage): the in-memory {@link InMemoryAdapter} by default, rooms and broadcasts on this
         * node only; a cluster adapter (e.g. {@code windsock-redis}) to serve one set of rooms from
         * several nodes. The server closes the adapters when it stops.
         */
        public Builder adapter(AdapterFactory adapters) {
            this.adapters = Objects.requireNonNull(adapters, "adapters");
            return this;
        }

        /**
         * The port to listen on (0 picks a free one), over that of the {@link #options}, whether they are
         * set before or after this.
         *
         * @throws IllegalArgumentException outside 0 to 65535, as {@code WindsockOptions.Builder.port}
         */
        public Builder port(int port) {
            WindsockOptions.builder().port(port); // checked now, where the mistake is
            this.port = port;
            return this;
        }

        /** Configures a namespace once the server exists. */
        public Builder namespace(String name, Consumer<Namespace> setup) {
            setups.add(server -> setup.accept(server.of(name)));
            return this;
        }

        /**
         * Serves a namespace with a {@link SocketConnection} class: each client that joins gets its
         * own instance from {@code factory} (e.g. {@code ChatConnection::new}). Its handlers are
         * bound when {@link #build()} runs, which fails naming any handler that cannot be bound.
         * Named apart from {@link #namespace(String, Consumer)} on purpose: with an overload, a
         * constructor reference to a class with several constructors would be ambiguous.
         *
         * @see Connections#serve(Namespace, Supplier, ConnectionOptions)
         */
        public Builder connections(String name, Supplier<? extends SocketConnection> factory) {
            return connections(name, factory, ConnectionOptions.DEFAULT);
        }

        /** As {@link #connections(String, Supplier)}, with options (e.g. TornadIO2's close on a bad event). */
        public Builder connections(String name, Supplier<? extends SocketConnection> factory,
                                   ConnectionOptions options) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
            Objects.requireNonNull(options, "options");
            setups.add(server -> Connections.serve(server.of(name), factory, options));
            return this;
        }

        /**
         * As {@link #connections(String, Supplier)}, with the class named, so that {@code factory} is
         * first called when a client joins (for dependency-injection containers).
         *
         * @see Connections#serve(Namespace, Class, Supplier, ConnectionOptions)
         */
        public <T extends SocketConnection> Builder connections(String name, Class<T> type,
                                                                Supplier<? extends T> factory) {
            return connections(name, type, factory, ConnectionOptions.DEFAULT);
        }

        /** As {@link #connections(String, Class, Supplier)}, with options (e.g. TornadIO2's close on a bad event). */
        public <T extends SocketConnection> Builder connections(String name, Class<T> type,
                                                                Supplier<? extends T> factory,
                                                                ConnectionOptions options) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(factory, "factory");
            Objects.requireNonNull(options, "options");
            setups.add(server -> Connections.serve(server.of(name), type, factory, options));
            return this;
        }

        /**
         * Serves an application's own files (pages, scripts, styles) from a classpath folder, for GET
         * and HEAD outside the Socket.IO path: {@code staticResources("/", "com/example/web")} answers
         * {@code /} with {@code com/example/web/index.html} and {@code /app.js} with
         * {@code com/example/web/app.js}. Every file of the folder is read into memory at
         * {@link Windsock#start()} (which fails if the folder is missing or empty) and only those files
         * are served; anything else gets 404. Each answer has a content type from the file name, an
         * ETag with 304, and {@code Cache-Control: no-cache}. Meant for a few pages, not large media.
         * May be called several times; for a path two folders both hold, the first call wins.
         * Resources come from the calling thread's context class loader (else Windsock's own).
         *
         * @param urlPath   where the folder appears, e.g. {@code "/"} or {@code "/app/"}
         * @param directory the classpath folder, e.g. {@code "com/example/web"}
         */
        public Builder staticResources(String urlPath, String directory) {
            Objects.requireNonNull(urlPath, "urlPath");
            Objects.requireNonNull(directory, "directory");
            String url = (urlPath.startsWith("/") ? "" : "/") + urlPath + (urlPath.endsWith("/") ? "" : "/");
            String dir = directory.replaceAll("^/+|/+$", "");
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            staticResources.add(new ClasspathResources.Mount(url, dir,
                    context != null ? context : Windsock.class.getClassLoader()));
            return this;
        }

        public Windsock build() {
            return new Windsock(this);
        }
    }
}
