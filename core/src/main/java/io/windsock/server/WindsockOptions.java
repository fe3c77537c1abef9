package io.windsock.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.ConnectionErrorListener;
import io.windsock.engine.CorsOptions;
import io.windsock.engine.EngineOptions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.windsock.protocol.ProtocolLimits;
import io.windsock.internal.options.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * Every server setting, immutable; build with {@link #builder()}, change a copy with
 * {@link #toBuilder()}. Defaults follow the Node {@code socket.io} server where it has one.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><td>host, port</td><td>{@code 0.0.0.0}, 8001 (0 picks a free port)</td></tr>
 * <tr><td>path</td><td>{@code /socket.io/}</td></tr>
 * <tr><td>engine</td><td>{@link EngineOptions#DEFAULT}: ping 25 s / 20 s, 1 MB buffer, both transports,
 *     Engine.IO v3 clients (socket.io-client 2.x) served ({@link EngineOptions#allowEIO3()})</td></tr>
 * <tr><td>cors</td><td>none (same-origin only)</td></tr>
 * <tr><td>checkWebSocketOrigin</td><td>on: a WebSocket from a page of another origin that {@code cors} does
 *     not allow is refused with 403 (see {@link Builder#checkWebSocketOrigin})</td></tr>
 * <tr><td>allowRequest</td><td>allow all</td></tr>
 * <tr><td>connectionErrors</td><td>none: refused Engine.IO requests are answered, not reported</td></tr>
 * <tr><td>perMessageDeflate</td><td>off (as in Node); WebSocket compression costs CPU per message</td></tr>
 * <tr><td>httpCompression</td><td>on, for polling responses of 1 KB and more</td></tr>
 * <tr><td>connectTimeout</td><td>45 s for a client to join a namespace before it is closed</td></tr>
 * <tr><td>limits</td><td>{@link ProtocolLimits#DEFAULT}, packet length bounded by maxHttpBufferSize</td></tr>
 * <tr><td>handlerExecutor</td><td>Java 24+: a virtual thread per task; Java 17-23: a pool running as many handlers
 * at once as there are cores, plus a thread for each handler blocked (waiting) over 2 ms or computing over
 * 50 ms, up to 256 daemon threads (beyond them, threads that only complete the acks blocked handlers wait for),
 * retired after 60 s idle (before Java 24 a virtual thread blocked in {@code synchronized} holds its
 * carrier). Threads named {@code windsock-handler-N}; ended by {@code stop()}</td></tr>
 * <tr><td>objectMapper</td><td>a plain Jackson {@link ObjectMapper}</td></tr>
 * <tr><td>ioThreads</td><td>0: one per core (fewer wake-ups per message than Netty's twice the cores)</td></tr>
 * <tr><td>ioTransport</td><td>{@link IoTransport#AUTO}: epoll where its library is on the classpath and loads, NIO otherwise</td></tr>
 * <tr><td>errorHandler</td><td>logs at WARN (client errors) or ERROR (handler exceptions) under
 *     {@value ErrorHandler#DEFAULT_LOGGER}</td></tr>
 * <tr><td>serveClient</td><td>off: the browser client is not served (see {@link Builder#serveClient})</td></tr>
 * <tr><td>connectionStateRecovery</td><td>off; {@link ConnectionStateRecovery#defaults()} keeps sessions 2 min;
 *     a namespace's own setting ({@link Builder#connectionStateRecovery(String, ConnectionStateRecovery)}) wins</td></tr>
 * <tr><td>maxDynamicNamespaces</td><td>10,000 namespaces created on demand, in total (Node: no limit)</td></tr>
 * <tr><td>maxNamespacesPerClient</td><td>100 namespaces joined (or joining) per connection (Node: no limit)</td></tr>
 * <tr><td>maxQueuedEvents</td><td>20,000 incoming events per connection waiting for their handlers
 *     (reading pauses at 5,000); see {@link Builder#maxQueuedEvents}</td></tr>
 * <tr><td>maxQueuedEventBytes</td><td>4 MB of those events per connection (reading pauses at 1 MB)</td></tr>
 * <tr><td>shutdownTimeout</td><td>10 s for {@code Windsock.stop()} (and {@code EngineIoServer.stop()}) to let handlers finish</td></tr>
 * <tr><td>headersTimeout</td><td>60 s for a request's headers, from its first byte (Node's {@code headersTimeout})</td></tr>
 * <tr><td>requestTimeout</td><td>300 s for a whole request, body included (Node's {@code requestTimeout})</td></tr>
 * <tr><td>keepAliveTimeout</td><td>5 s idle between two requests on a connection (Node's {@code keepAliveTimeout})</td></tr>
 * <tr><td>maxConnections</td><td>the process's open-files limit less a tenth (at least 64) kept for everything
 *     else; unlimited where the JVM cannot read that limit (see {@link Builder#maxConnections})</td></tr>
 * <tr><td>maxSessions</td><td>{@code maxConnections}: sessions (Engine.IO and 0.9) existing at once
 *     (see {@link Builder#maxSessions})</td></tr>
 * <tr><td>tls</td><td>off: plain HTTP and WebSocket (see {@link Builder#tls(SslContext)})</td></tr>
 * <tr><td>parser</td><td>{@link Parser#DEFAULT}, socket.io-parser's JSON packets</td></tr>
 * </table>
 */
public final class WindsockOptions {
    private final String host;
    private final int port;
    private final String path;
    private final EngineOptions engine;
    private final CorsOptions cors;
    private final AllowRequest allowRequest;
    private final ConnectionErrorListener connectionErrors;
    private final boolean perMessageDeflate;
    private final boolean httpCompression;
    private final Duration connectTimeout;
    private final ProtocolLimits limits;
    private final Executor handlerExecutor;
    private final ObjectMapper objectMapper;
    private final int ioThreads;
    private final IoTransport ioTransport;
    private final ErrorHandler errorHandler;
    private final boolean serveClient;
    private final ConnectionStateRecovery connectionStateRecovery;
    /** Per-namespace recovery by namespace name; a null value turns it off there. Unmodifiable. */
    private final Map<String, ConnectionStateRecovery> namespaceRecovery;
    private final int maxDynamicNamespaces;
    private final int maxNamespacesPerClient;
    private final int maxQueuedEvents;
    private final long maxQueuedEventBytes;
    private final Duration shutdownTimeout;
    private final boolean checkWebSocketOrigin;
    private final Duration headersTimeout;
    private final Duration requestTimeout;
    private final Duration keepAliveTimeout;
    private final int maxConnections;
    /** 0: follows {@link #maxConnections}. */
    private final int maxSessions;
    private final SslContext sslContext;
    private final Protocol1Options protocol1;
    private final Parser parser;

    private WindsockOptions(Builder b) {
        host = b.host;
        port = b.port;
        path = b.path;
        engine = b.engine;
        cors = b.cors;
        allowRequest = b.allowRequest;
        connectionErrors = b.connectionErrors;
        perMessageDeflate = b.perMessageDeflate;
        httpCompression = b.httpCompression;
        connectTimeout = b.connectTimeout;
        limits = b.limits;
        handlerExecutor = b.handlerExecutor;
        objectMapper = b.objectMapper;
        ioThreads = b.ioThreads;
        ioTransport = b.ioTransport;
        errorHandler = b.errorHandler;
        serveClient = b.serveClient;
        connectionStateRecovery = b.connectionStateRecovery;
        namespaceRecovery = Collections.unmodifiableMap(new LinkedHashMap<>(b.namespaceRecovery));
        maxDynamicNamespaces = b.maxDynamicNamespaces;
        maxNamespacesPerClient = b.maxNamespacesPerClient;
        maxQueuedEvents = b.maxQueuedEvents;
        maxQueuedEventBytes = b.maxQueuedEventBytes;
        shutdownTimeout = b.shutdownTimeout;
        checkWebSocketOrigin = b.checkWebSocketOrigin;
        headersTimeout = b.headersTimeout;
        requestTimeout = b.requestTimeout;
        keepAliveTimeout = b.keepAliveTimeout;
        maxConnections = b.maxConnections;
        maxSessions = b.maxSessions;
        sslContext = b.sslContext;
        protocol1 = b.protocol1;
        parser = b.parser;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String path() {
        return path;
    }

    public EngineOptions engine() {
        return engine;
    }

    /** @return the CORS settings, or {@code null} for none. */
    public CorsOptions cors() {
        return cors;
    }

    public AllowRequest allowRequest() {
        return allowRequest;
    }

    /** @return told of each refused Engine.IO request; {@link ConnectionErrorListener#NONE} by default */
    public ConnectionErrorListener connectionErrors() {
        return connectionErrors;
    }

    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    public boolean httpCompression() {
        return httpCompression;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the decoder limits; the packet length never exceeds {@code engine().maxHttpBufferSize()}. */
    public ProtocolLimits limits() {
        int max = Math.min(limits.maxPacketLength(), engine.maxHttpBufferSize());
        return max == limits.maxPacketLength() ? limits
                : limits.withMaxPacketLength(max);
    }

    /** @return the executor handlers run on, or {@code null} for the default (see the class comment). */
    public Executor handlerExecutor() {
        return handlerExecutor;
    }

    /** @return the application's Jackson mapper (outgoing values, parameter types), or {@code null} for a default one. */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    public int ioThreads() {
        return ioThreads;
    }

    /** @return the Netty transport asked for (see {@link Builder#ioTransport}). */
    public IoTransport ioTransport() {
        return ioTransport;
    }

    /** @return the error hook, or {@code null} for the default logging one. */
    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** @return whether the socket.io browser client is served under {@link #path()}. */
    public boolean serveClient() {
        return serveClient;
    }

    /**
     * @return the server-wide connection state recovery settings, or {@code null} when recovery is off
     *         (the default); a namespace may override it ({@link #connectionStateRecovery(String)})
     */
    public ConnectionStateRecovery connectionStateRecovery() {
        return connectionStateRecovery;
    }

    /**
     * @return the recovery settings that apply to the namespace of this name: its own (set with
     *         {@link Builder#connectionStateRecovery(String, ConnectionStateRecovery)}, {@code null}
     *         when turned off there) if it has some, otherwise the server-wide ones
     */
    public ConnectionStateRecovery connectionStateRecovery(String namespace) {
        return namespaceRecovery.containsKey(namespace) ? namespaceRecovery.get(namespace) : connectionStateRecovery;
    }

    /** @return the most namespaces created on demand (by dynamic namespace groups) alive at once. */
    public int maxDynamicNamespaces() {
        return maxDynamicNamespaces;
    }

    /** @return the most namespaces one Engine.IO connection may have joined or be joining at once. */
    public int maxNamespacesPerClient() {
        return maxNamespacesPerClient;
    }

    /** @return the most incoming events one connection may have waiting for its handlers; see {@link Builder#maxQueuedEvents}. */
    public int maxQueuedEvents() {
        return maxQueuedEvents;
    }

    /** @return the most bytes of incoming events one connection may have waiting; see {@link Builder#maxQueuedEventBytes}. */
    public long maxQueuedEventBytes() {
        return maxQueuedEventBytes;
    }

    /** @return how long {@code Windsock.stop()} (and {@code EngineIoServer.stop()}) waits for handlers to finish before it stops anyway. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return whether WebSocket requests from pages of other origins are checked (see {@link Builder#checkWebSocketOrigin}). */
    public boolean checkWebSocketOrigin() {
        return checkWebSocketOrigin;
    }

    /** @return how long a request's headers may take, from its first byte. */
    public Duration headersTimeout() {
        return headersTimeout;
    }

    /** @return how long a whole request may take, from its first byte to the end of its body. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return how long a connection may stay idle between two requests. */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /** @return the most connections open at once; {@link Integer#MAX_VALUE} means no cap. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * @return the most sessions (Engine.IO v3/v4 and Socket.IO 0.9 together) that may exist at once;
     *         unless set, {@link #maxConnections()}
     */
    public int maxSessions() {
        return maxSessions != 0 ? maxSessions : maxConnections;
    }

    /** @return the server TLS context (https and wss), or {@code null} for plain HTTP (the default). */
    public SslContext sslContext() {
        return sslContext;
    }

    /**
     * @return the settings of the Socket.IO 0.9 front end ({@code socket.io-client} 0.7 to 0.9), or
     *         {@code null} when it is off (the default)
     */
    public Protocol1Options protocol1() {
        return protocol1;
    }

    /** @return the packet format of Engine.IO clients (see {@link Builder#parser}). */
    public Parser parser() {
        return parser;
    }

    /**
     * The default {@code maxConnections}: the process's open-files limit less a tenth of it (at least 64)
     * for files, pipes and outgoing connections; {@link Integer#MAX_VALUE} when the JVM cannot read the limit.
     */
    static int defaultMaxConnections() {
        long limit = -1;
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                limit = unix.getMaxFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError e) {
            limit = -1; // a runtime without the management module: no cap
        }
        if (limit <= 0 || limit >= Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long cap = limit - Math.max(64, limit / 10);
        return (int) Math.max(1, cap);
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8001;
        private String path = "/socket.io/";
        private EngineOptions engine = EngineOptions.DEFAULT;
        private CorsOptions cors;
        private AllowRequest allowRequest = AllowRequest.ALL;
        private ConnectionErrorListener connectionErrors = ConnectionErrorListener.NONE;
        private boolean perMessageDeflate;
        private boolean httpCompression = true;
        private Duration connectTimeout = Duration.ofSeconds(45);
        private ProtocolLimits limits = ProtocolLimits.DEFAULT;
        private Executor handlerExecutor;
        private ObjectMapper objectMapper;
        private int ioThreads;
        private IoTransport ioTransport = IoTransport.AUTO;
        private ErrorHandler errorHandler;
        private boolean serveClient;
        private ConnectionStateRecovery connectionStateRecovery;
        private final Map<String, ConnectionStateRecovery> namespaceRecovery = new LinkedHashMap<>();
        private int maxDynamicNamespaces = 10_000;
        private int maxNamespacesPerClient = 100;
        private int maxQueuedEvents = 20_000;
        private long maxQueuedEventBytes = 4L * 1024 * 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean checkWebSocketOrigin = true;
        private Duration headersTimeout = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(300);
        private Duration keepAliveTimeout = Duration.ofSeconds(5);
        private int maxConnections = defaultMaxConnections();
        private int maxSessions;
        private SslContext sslContext;
        private Protocol1Options protocol1;
        private Parser parser = Parser.DEFAULT;

        private Builder() {
        }

        private Builder(WindsockOptions o) {
            host = o.host;
            port = o.port;
            path = o.path;
            engine = o.engine;
            cors = o.cors;
            allowRequest = o.allowRequest;
            connectionErrors = o.connectionErrors;
            perMessageDeflate = o.perMessageDeflate;
            httpCompression = o.httpCompression;
            connectTimeout = o.connectTimeout;
            limits = o.limits;
            handlerExecutor = o.handlerExecutor;
            objectMapper = o.objectMapper;
            ioThreads = o.ioThreads;
            ioTransport = o.ioTransport;
            errorHandler = o.errorHandler;
            serveClient = o.serveClient;
            connectionStateRecovery = o.connectionStateRecovery;
            namespaceRecovery.putAll(o.namespaceRecovery);
            maxDynamicNamespaces = o.maxDynamicNamespaces;
            maxNamespacesPerClient = o.maxNamespacesPerClient;
            maxQueuedEvents = o.maxQueuedEvents;
            maxQueuedEventBytes = o.maxQueuedEventBytes;
            shutdownTimeout = o.shutdownTimeout;
            checkWebSocketOrigin = o.checkWebSocketOrigin;
            headersTimeout = o.headersTimeout;
            requestTimeout = o.requestTimeout;
            keepAliveTimeout = o.keepAliveTimeout;
            maxConnections = o.maxConnections;
            maxSessions = o.maxSessions;
            sslContext = o.sslContext;
            protocol1 = o.protocol1;
            parser = o.parser;
        }

        /**
         * Inbound flow control: the most incoming events one connection (one client, all its
         * namespaces, and the events its sockets that left still have to handle) may have arrived and
         * waiting for their handlers. Default 20,000.
         *
         * <p>Above a quarter of this (or of {@link #maxQueuedEventBytes}), the high-water mark, the
         * server stops reading the client's connection: a WebSocket is no longer read, a long-polling
         * POST is not answered (so the client sends no next one). Reading resumes once the connection
         * is back under an eighth of both (the low-water mark). A client only reaches the limit itself
         * by sending while it is not read (after the pause at most one network read or one slice of a
         * polling body, {@link EngineOptions#maxPacketsPerPayload} packets, arrives, which the margin
         * between the marks and the limit absorbs; a second POST while one is held is refused, as Node
         * does); an event arriving at the limit is dropped and
         * the client disconnected (every socket gets a DISCONNECT), reported to the error hook as a
         * {@link ClientError}. While reading is paused, the client's pongs wait unread too: pings are
         * sent again instead of ending the session with "ping timeout".
         *
         * <p>Node has no such bound and needs none: its one thread runs each handler as the event is
         * read, so it reads no faster than it handles (what a handler awaits is not queued by socket.io).
         * Handlers here run on other threads, so the queue between reading and handling needs a bound.
         *
         * <p>An {@link io.windsock.EngineIoServer} applies it to each session's messages, each one an
         * event, with the same marks; a message arriving at the limit closes the session.
         */
        public Builder maxQueuedEvents(int events) {
            if (events < 8) {
                throw new IllegalArgumentException("maxQueuedEvents must be at least 8");
            }
            this.maxQueuedEvents = events;
            return this;
        }

        /**
         * Inbound flow control in bytes: the most wire bytes (text, plus binary attachments) of incoming
         * events one connection may have waiting for its handlers. Default 4 MB. Reading pauses above
         * a quarter of it (1 MB) and resumes under an eighth, counting each event at its size as held:
         * its wire bytes or, where that is more, the heap its decoded arguments are estimated to hold
         * (JSON of many small objects takes some 20 times its wire size), so such events pause the
         * client sooner. An event arriving while the queue is under this limit is accepted whatever
         * its size (up to {@link EngineOptions#maxHttpBufferSize}), so the queue holds at most this
         * plus one event. See {@link #maxQueuedEvents} for the behaviour.
         */
        public Builder maxQueuedEventBytes(long bytes) {
            if (bytes < 8) {
                throw new IllegalArgumentException("maxQueuedEventBytes must be at least 8");
            }
            this.maxQueuedEventBytes = bytes;
            return this;
        }

        /**
         * How long {@code Windsock.stop()} waits for the handlers of the events that arrived before it
         * (and the disconnect listeners) to finish, and for the default handler executor to end. Default
         * 10 s. Past it the server stops anyway: it logs how many sockets were still busy, and the
         * default executor's threads are interrupted. {@code EngineIoServer.stop()} waits the same way
         * for its listeners' calls and their {@code onClose}.
         */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative");
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The URL path of the endpoint; a missing leading or trailing slash is added. */
        public Builder path(String path) {
            String p = Objects.requireNonNull(path, "path");
            if (!p.startsWith("/")) {
                p = "/" + p;
            }
            if (!p.endsWith("/")) {
                p = p + "/";
            }
            this.path = p;
            return this;
        }

        public Builder engine(EngineOptions engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * The CORS settings of the HTTP endpoints, or {@code null} for none (the default). The allowed
         * origins also decide which cross-origin WebSockets are accepted (see {@link #checkWebSocketOrigin}).
         */
        public Builder cors(CorsOptions cors) {
            this.cors = cors;
            return this;
        }

        public Builder allowRequest(AllowRequest allowRequest) {
            this.allowRequest = Objects.requireNonNull(allowRequest, "allowRequest");
            return this;
        }

        /**
         * Told of every Engine.IO request the server refuses, with engine.io's code and message (Node's
         * {@code io.engine.on("connection_error", ...)}), e.g. to log why clients cannot connect. Called on a
         * network thread: see {@link ConnectionErrorListener}.
         */
        public Builder connectionErrors(ConnectionErrorListener listener) {
            this.connectionErrors = Objects.requireNonNull(listener, "connectionErrors");
            return this;
        }

        public Builder perMessageDeflate(boolean on) {
            this.perMessageDeflate = on;
            return this;
        }

        public Builder httpCompression(boolean on) {
            this.httpCompression = on;
            return this;
        }

        /**
         * How long a client has after its handshake to join a namespace before its connection closes
         * (Node's {@code connectTimeout}, default 45 s). At least 1 ms.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Durations.atLeastOneMilli(timeout, "connectTimeout");
            return this;
        }

        public Builder limits(ProtocolLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * The executor handlers run on. Each socket's handlers (one client in one namespace) still run
         * one at a time, in order; a client's sockets in different namespaces run in parallel, so a
         * handler that blocks in one namespace does not hold up the others.
         * Default ({@code null}): Windsock's own, ended by {@code Windsock.stop()}; a virtual thread per
         * task on Java 24+, before it a pool of daemon threads that grows past the core count while
         * handlers block (up to 256). On Java 21 to 23, {@code Executors.newVirtualThreadPerTaskExecutor()}
         * suits handlers that never block inside {@code synchronized}, where a blocked virtual thread holds
         * its carrier thread (one of about as many as there are cores). An executor passed here is the
         * application's: {@code stop()} leaves it running.
         *
         * <p>{@code Runnable::run} is the explicit opt-in for handlers that never block: they then run
         * on the network thread that read the packet, with no thread hand-off (the fastest setting,
         * and the wrong one for any handler that waits on I/O or locks). Per handler, the same opt-in is
         * {@code @NonBlocking} on a connection class's handler or {@code EventListener.nonBlocking}: those
         * run on the network thread while every other handler keeps this executor.
         *
         * <p>A bounded executor may reject: a rejected task waits and is offered again after 10 ms, the
         * wait doubling up to 1 s, in order (a connection whose events wait stops being read); so does a
         * task whose {@code execute} failed otherwise (a thread that could not start). Once an
         * {@code ExecutorService} is shut down, the tasks left run on one Windsock thread, so that closes
         * still complete: shut it down after {@code Windsock.stop()}. Each case is logged at WARN.
         *
         * <p>{@code execute} is often called on a network thread (the one that read an event), so an
         * executor that runs a task on the caller instead of rejecting it ({@code CallerRunsPolicy}) runs
         * handlers on that thread, and one whose {@code execute} blocks (a queue's {@code put}) blocks it,
         * with every connection it serves: let it reject instead.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = executor;
            return this;
        }

        /**
         * The application's Jackson mapper: it writes outgoing values and converts incoming ones into
         * handlers' declared parameter types. It never parses what clients send: that is Windsock's own
         * locked-down reader (no default typing, bounded depth and lengths; see {@link ProtocolLimits}),
         * whatever this mapper is configured to do. Default: a plain {@link ObjectMapper}.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = mapper;
            return this;
        }

        public Builder ioThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("ioThreads must not be negative");
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * The Netty transport of the event loops. {@link IoTransport#AUTO} (the default) takes epoll
         * where its native library is on the classpath and loads (see {@link IoTransport}) and NIO otherwise; {@link IoTransport#NIO} forces NIO. A
         * native transport asked for but unavailable here falls back to the next (see
         * {@link IoTransport}), logged once; the "listening" log line names the one in use.
         */
        public Builder ioTransport(IoTransport transport) {
            this.ioTransport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = handler;
            return this;
        }

        /**
         * Turns connection state recovery on with these settings ({@link ConnectionStateRecovery#defaults()}:
         * 2 minutes, middlewares skipped), or off with {@code null}. See {@link ConnectionStateRecovery}.
         */
        public Builder connectionStateRecovery(ConnectionStateRecovery recovery) {
            this.connectionStateRecovery = recovery;
            return this;
        }

        /**
         * Sets connection state recovery for one namespace (Node has no such option): these settings,
         * or off with {@code null}, whatever the server-wide {@link #connectionStateRecovery(ConnectionStateRecovery)}
         * says. Namespaces without a setting of their own follow the server-wide one. A namespace
         * without recovery stores no events and adds no offset to them; its CONNECT reply carries no
         * {@code pid}. A namespace of a dynamic group ({@code server.of(Pattern)}) takes the setting of
         * its own name, if any.
         *
         * @param namespace the namespace's name, e.g. {@code "/chat"} ({@code "chat"} means the same)
         */
        public Builder connectionStateRecovery(String namespace, ConnectionStateRecovery recovery) {
            Objects.requireNonNull(namespace, "namespace");
            namespaceRecovery.put(namespace.startsWith("/") ? namespace : "/" + namespace, recovery);
            return this;
        }

        /**
         * Serves the socket.io browser client, like the Node server's {@code serveClient}: GET
         * {@code /socket.io/socket.io.js} (under {@link #path}), {@code socket.io.min.js},
         * {@code socket.io.esm.min.js}, {@code socket.io.msgpack.min.js} (with the MessagePack parser: see
         * {@link #parser}) and their {@code .map} files, so a page can load it with
         * {@code <script src="/socket.io/socket.io.js">}. ETag (the client's version) with 304,
         * {@code Cache-Control: public, max-age=0}, compressed when {@link #httpCompression} is on.
         * Needs the {@code io.windsock:windsock-client-bundle} jar on the classpath (it holds the
         * npm {@code socket.io-client} files); without it, starting the server fails. The jar also holds
         * socket.io-client 2.x, for pages that speak Engine.IO v3: {@code /socket.io/v2/socket.io.js}, and
         * socket.io-client 0.9.16, for pages that speak protocol 1 ({@link #protocol1}):
         * {@code /socket.io/v09/socket.io.js}.
         * Default off.
         */
        public Builder serveClient(boolean on) {
            this.serveClient = on;
            return this;
        }

        /**
         * The most namespaces that dynamic namespace groups ({@code of(Pattern)}, {@code of(NamespaceMatcher)})
         * may hold at once, over all groups; default 10,000. A child namespace lives while a socket is in
         * it or joining it (and, with connection state recovery, while a session of it may still be
         * recovered); a CONNECT that would create one more is refused with CONNECT_ERROR
         * {@code {"message":"Too many namespaces"}}. The Node server has no such limit.
         */
        public Builder maxDynamicNamespaces(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxDynamicNamespaces must be positive");
            }
            this.maxDynamicNamespaces = max;
            return this;
        }

        /**
         * Whether a WebSocket (a handshake, or the upgrade of a polling session) is checked against its
         * {@code Origin} header. On by default: a request from a browser page of another origin is refused
         * with 403 before the connection opens, unless {@link #cors} allows that origin; this stops
         * cross-site WebSocket hijacking, where a hostile page opens a WebSocket that carries the user's
         * cookies. Browsers cannot be stopped by CORS here: they send WebSocket requests to any origin.
         *
         * <p>Always accepted: a request without {@code Origin} (not a browser, e.g. Node's socket.io-client),
         * and a same-origin page, whose {@code Origin} names the host and port of the request's {@code Host}
         * header (scheme default ports filled in). Behind a reverse proxy that rewrites {@code Host}, list the
         * public origin in {@link #cors} or forward the original {@code Host}.
         *
         * <p>{@code false} accepts WebSockets from any origin, as the Node server does by default; do so only
         * when nothing trusts cookies or other ambient credentials. {@link CorsOptions#anyOrigin()} has the
         * same effect on WebSockets.
         */
        public Builder checkWebSocketOrigin(boolean on) {
            this.checkWebSocketOrigin = on;
            return this;
        }

        /**
         * The most namespaces one client connection may have joined (or be joining) at once; default
         * 100. One more CONNECT is refused with CONNECT_ERROR
         * {@code {"message":"Too many namespaces for this connection"}}; the connection stays open.
         * The Node server has no such limit.
         */
        public Builder maxNamespacesPerClient(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxNamespacesPerClient must be positive");
            }
            this.maxNamespacesPerClient = max;
            return this;
        }

        /**
         * How long a request's headers may take from its first byte, and a new connection's first request
         * from the moment it opened; past it the server answers 408 and closes the connection (Node's
         * {@code headersTimeout}, 60 s). Lower it against clients that trickle headers (slowloris).
         * At least 1 ms, and not above {@link #requestTimeout}.
         */
        public Builder headersTimeout(Duration timeout) {
            this.headersTimeout = Durations.atLeastOneMilli(timeout, "headersTimeout");
            return this;
        }

        /**
         * How long a whole request, body included, may take from its first byte; past it the server answers
         * 408 and closes the connection (Node's {@code requestTimeout}, 300 s). A long-polling GET that
         * waits for packets is not affected: it has been received in full. At least 1 ms.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Durations.atLeastOneMilli(timeout, "requestTimeout");
            return this;
        }

        /**
         * How long a connection may stay idle after a response before it is closed (Node's
         * {@code keepAliveTimeout}, 5 s); announced to clients in a {@code Keep-Alive: timeout=n} header.
         * A WebSocket is not affected (its heartbeat watches it). At least 1 ms.
         */
        public Builder keepAliveTimeout(Duration timeout) {
            this.keepAliveTimeout = Durations.atLeastOneMilli(timeout, "keepAliveTimeout");
            return this;
        }

        /**
         * The most connections (HTTP and WebSocket) open at once on this server, like Node's
         * {@code server.maxConnections}. A connection accepted past the cap is closed at once, before a byte
         * is read, and counted in a WARN line at most every 10 s; open connections keep working. The
         * default keeps the process out of "too many open files": its open-files limit less a tenth (at
         * least 64) left for everything else, or no cap where the JVM cannot read the limit.
         * {@link Integer#MAX_VALUE} for no cap (Node's default).
         */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * The most sessions that may exist at once, Engine.IO (clients 2.x to 4.x) and Socket.IO 0.9
         * together. A session exists from its handshake until it closes, with or without a connection:
         * a polling client holds none between polls, and a client that handshakes and never comes back
         * holds one until its ping timeout (Engine.IO) or its expiry (0.9, where a closed session also
         * stays findable for {@code sessionExpiry} so a last poll can take its final packets). At the
         * cap a handshake is refused before anything of it exists: Engine.IO answers 403
         * {@code {"code":4,"message":"Too many sessions"}} as Node answers an {@code allowRequest}
         * refusal (400 to a WebSocket handshake, as Node), and a 0.9 handshake gets 503; the clients
         * retry with their reconnection backoff. Open sessions are not affected. Refusals are logged at
         * WARN, rate-limited. Unless set, it follows {@link #maxConnections}. Node: no cap. An
         * {@link io.windsock.EngineIoServer} caps its own sessions with it the same way.
         */
        public Builder maxSessions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1");
            }
            this.maxSessions = max;
            return this;
        }

        /**
         * Serves Socket.IO 0.9 clients too ("protocol 1", {@code socket.io-client} 0.7 to 0.9, the
         * protocol of TornadIO2), on the same port under {@code <path>1/}: the same namespaces,
         * connection classes, rooms and broadcasts serve them as current clients. Off by default: it
         * is a legacy protocol, and one of its transports (jsonp-polling) cannot be protected by an
         * origin check; see {@link Protocol1Options}. {@code null} turns it off.
         */
        public Builder protocol1(Protocol1Options options) {
            this.protocol1 = options;
            return this;
        }

        /**
         * The packet format of every Engine.IO client, as the Node server's {@code parser} option:
         * {@link Parser#DEFAULT} (socket.io-parser, JSON) or {@link Parser#MSGPACK}
         * (socket.io-msgpack-parser). Every client of the server must use the same one; a client of the
         * other format is closed at its first packet. Adapters and other nodes are not concerned (a
         * cluster may mix servers of both formats).
         */
        public Builder parser(Parser parser) {
            this.parser = Objects.requireNonNull(parser, "parser");
            return this;
        }

        /**
         * Serves https and wss on the port, with this server context (e.g.
         * {@code SslContextBuilder.forServer(keyManagerFactory).build()}); {@code null} for plain HTTP. Plain
         * HTTP is then no longer served on that port.
         *
         * @throws IllegalArgumentException if the context is a client context
         */
        public Builder tls(SslContext context) {
            if (context != null && !context.isServer()) {
                throw new IllegalArgumentException("tls needs a server SslContext (SslContextBuilder.forServer)");
            }
            this.sslContext = context;
            return this;
        }

        /**
         * Serves https and wss with a certificate chain and its private key, both PEM files: the chain
         * ({@code -----BEGIN CERTIFICATE-----}, the server's first), and an unencrypted PKCS#8 key
         * ({@code -----BEGIN PRIVATE KEY-----}; {@code openssl pkcs8 -topk8 -nocrypt} converts others).
         *
         * @throws IllegalArgumentException if a file cannot be read or does not hold what it should
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            try (InputStream chain = Files.newInputStream(certificateChain);
                 InputStream key = Files.newInputStream(privateKey)) {
                return tls(chain, key);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the TLS certificate or key: " + e.getMessage(), e);
            }
        }

        /**
         * As {@link #tls(Path, Path)}, from streams (read in full now; the caller closes them).
         *
         * @throws IllegalArgumentException if the streams do not hold a PEM certificate chain and key
         */
        public Builder tls(InputStream certificateChain, InputStream privateKey) {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            try {
                this.sslContext = SslContextBuilder.forServer(certificateChain, privateKey).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid TLS certificate or key: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * @throws IllegalStateException if {@code headersTimeout} is longer than {@code requestTimeout}
         */
        public WindsockOptions build() {
            if (headersTimeout.compareTo(requestTimeout) > 0) {
                throw new IllegalStateException("headersTimeout (" + headersTimeout + ") must not exceed requestTimeout ("
                        + requestTimeout + ")");
            }
            return new WindsockOptions(this);
        }
    }
}
