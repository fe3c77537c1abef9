package io.windsock.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.adapter.AdapterFactory;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.engine.EngineOptions;
import io.windsock.protocol.ProtocolLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Every server setting, immutable; build with {@link #builder()}, change a copy with
 * {@link #toBuilder()}. Defaults follow the Node {@code socket.io} server where it has one.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><td>host, port</td><td>{@code 0.0.0.0}, 8001 (0 picks a free port)</td></tr>
 * <tr><td>path</td><td>{@code /socket.io/}</td></tr>
 * <tr><td>engine</td><td>{@link EngineOptions#DEFAULT}: ping 25 s / 20 s, 1 MB buffer, both transports</td></tr>
 * <tr><td>cors</td><td>none (same-origin only)</td></tr>
 * <tr><td>allowRequest</td><td>allow all</td></tr>
 * <tr><td>perMessageDeflate</td><td>off (as in Node); WebSocket compression costs CPU per message</td></tr>
 * <tr><td>httpCompression</td><td>on, for polling responses of 1 KB and more</td></tr>
 * <tr><td>connectTimeout</td><td>45 s for a client to join a namespace before it is closed</td></tr>
 * <tr><td>limits</td><td>{@link ProtocolLimits#DEFAULT}, packet length bounded by maxHttpBufferSize</td></tr>
 * <tr><td>handlerExecutor</td><td>a pool of up to 256 daemon threads that die when idle</td></tr>
 * <tr><td>objectMapper</td><td>a plain Jackson {@link ObjectMapper}</td></tr>
 * <tr><td>ioThreads</td><td>0: one per core (fewer wake-ups per message than Netty's twice the cores)</td></tr>
 * <tr><td>errorHandler</td><td>logs at WARN (client errors) or ERROR (handler exceptions)</td></tr>
 * <tr><td>serveClient</td><td>off: the browser client is not served (see {@link Builder#serveClient})</td></tr>
 * <tr><td>adapter</td><td>{@link InMemoryAdapter}: rooms and broadcasts on this node only</td></tr>
 * <tr><td>connectionStateRecovery</td><td>off; {@link ConnectionStateRecovery#defaults()} keeps sessions 2 min</td></tr>
 * <tr><td>maxDynamicNamespaces</td><td>10,000 namespaces created on demand, in total (Node: no limit)</td></tr>
 * <tr><td>maxNamespacesPerClient</td><td>100 namespaces joined (or joining) per connection (Node: no limit)</td></tr>
 * <tr><td>maxQueuedEvents</td><td>20,000 incoming events per socket waiting for their handler
 *     (reading pauses at 5,000); see {@link Builder#maxQueuedEvents}</td></tr>
 * <tr><td>maxQueuedEventBytes</td><td>4 MB of those events per socket (reading pauses at 1 MB)</td></tr>
 * <tr><td>shutdownTimeout</td><td>10 s for {@code Windsock.stop()} to let handlers finish</td></tr>
 * </table>
 */
public final class WindsockOptions {
    private final String host;
    private final int port;
    private final String path;
    private final EngineOptions engine;
    private final CorsOptions cors;
    private final AllowRequest allowRequest;
    private final boolean perMessageDeflate;
    private final boolean httpCompression;
    private final Duration connectTimeout;
    private final ProtocolLimits limits;
    private final Executor handlerExecutor;
    private final ObjectMapper objectMapper;
    private final int ioThreads;
    private final ErrorHandler errorHandler;
    private final boolean serveClient;
    private final AdapterFactory adapter;
    private final ConnectionStateRecovery connectionStateRecovery;
    private final int maxDynamicNamespaces;
    private final int maxNamespacesPerClient;
    private final int maxQueuedEvents;
    private final long maxQueuedEventBytes;
    private final Duration shutdownTimeout;

    private WindsockOptions(Builder b) {
        host = b.host;
        port = b.port;
        path = b.path;
        engine = b.engine;
        cors = b.cors;
        allowRequest = b.allowRequest;
        perMessageDeflate = b.perMessageDeflate;
        httpCompression = b.httpCompression;
        connectTimeout = b.connectTimeout;
        limits = b.limits;
        handlerExecutor = b.handlerExecutor;
        objectMapper = b.objectMapper;
        ioThreads = b.ioThreads;
        errorHandler = b.errorHandler;
        serveClient = b.serveClient;
        adapter = b.adapter;
        connectionStateRecovery = b.connectionStateRecovery;
        maxDynamicNamespaces = b.maxDynamicNamespaces;
        maxNamespacesPerClient = b.maxNamespacesPerClient;
        maxQueuedEvents = b.maxQueuedEvents;
        maxQueuedEventBytes = b.maxQueuedEventBytes;
        shutdownTimeout = b.shutdownTimeout;
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

    /** @return the executor handlers run on, or {@code null} for the default pool. */
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

    /** @return the error hook, or {@code null} for the default logging one. */
    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** @return whether the socket.io browser client is served under {@link #path()}. */
    public boolean serveClient() {
        return serveClient;
    }

    /** @return what makes each namespace's adapter (rooms, broadcasts, recovery storage). */
    public AdapterFactory adapter() {
        return adapter;
    }

    /** @return the connection state recovery settings, or {@code null} when recovery is off (the default). */
    public ConnectionStateRecovery connectionStateRecovery() {
        return connectionStateRecovery;
    }

    /** @return the most namespaces created on demand (by dynamic namespace groups) alive at once. */
    public int maxDynamicNamespaces() {
        return maxDynamicNamespaces;
    }

    /** @return the most namespaces one Engine.IO connection may have joined or be joining at once. */
    public int maxNamespacesPerClient() {
        return maxNamespacesPerClient;
    }

    /** @return the most incoming events one socket may have waiting for its handlers; see {@link Builder#maxQueuedEvents}. */
    public int maxQueuedEvents() {
        return maxQueuedEvents;
    }

    /** @return the most wire bytes of incoming events one socket may have waiting; see {@link Builder#maxQueuedEventBytes}. */
    public long maxQueuedEventBytes() {
        return maxQueuedEventBytes;
    }

    /** @return how long {@code Windsock.stop()} waits for handlers to finish before it stops anyway. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8001;
        private String path = "/socket.io/";
        private EngineOptions engine = EngineOptions.DEFAULT;
        private CorsOptions cors;
        private AllowRequest allowRequest = AllowRequest.ALL;
        private boolean perMessageDeflate;
        private boolean httpCompression = true;
        private Duration connectTimeout = Duration.ofSeconds(45);
        private ProtocolLimits limits = ProtocolLimits.DEFAULT;
        private Executor handlerExecutor;
        private ObjectMapper objectMapper;
        private int ioThreads;
        private ErrorHandler errorHandler;
        private boolean serveClient;
        private AdapterFactory adapter = InMemoryAdapter::new;
        private ConnectionStateRecovery connectionStateRecovery;
        private int maxDynamicNamespaces = 10_000;
        private int maxNamespacesPerClient = 100;
        private int maxQueuedEvents = 20_000;
        private long maxQueuedEventBytes = 4L * 1024 * 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        private Builder(WindsockOptions o) {
            host = o.host;
            port = o.port;
            path = o.path;
            engine = o.engine;
            cors = o.cors;
            allowRequest = o.allowRequest;
            perMessageDeflate = o.perMessageDeflate;
            httpCompression = o.httpCompression;
            connectTimeout = o.connectTimeout;
            limits = o.limits;
            handlerExecutor = o.handlerExecutor;
            objectMapper = o.objectMapper;
            ioThreads = o.ioThreads;
            errorHandler = o.errorHandler;
            serveClient = o.serveClient;
            adapter = o.adapter;
            connectionStateRecovery = o.connectionStateRecovery;
            maxDynamicNamespaces = o.maxDynamicNamespaces;
            maxNamespacesPerClient = o.maxNamespacesPerClient;
            maxQueuedEvents = o.maxQueuedEvents;
            maxQueuedEventBytes = o.maxQueuedEventBytes;
            shutdownTimeout = o.shutdownTimeout;
        }

        /**
         * Inbound flow control: the most incoming events one socket (one client in one namespace) may
         * have arrived and waiting for its handlers. Default 20,000.
         *
         * <p>Above a quarter of this (or of {@link #maxQueuedEventBytes}), the high-water mark, the
         * server stops reading the client's connection: a WebSocket is no longer read, a long-polling
         * POST is not answered (so the client sends no next one). Reading resumes once the socket is
         * back under an eighth of both (the low-water mark). A client only reaches the limit itself
         * by sending while it is not read (after the pause at most one network read or one polling
         * payload arrives, which the margin between the marks and the limit absorbs; a second POST
         * while one is held is refused, as Node does); an event arriving at the limit is dropped and
         * the client disconnected (every socket gets a DISCONNECT), reported to the error hook as a
         * {@link ClientError}. While reading is paused, the client's pongs wait unread too: pings are
         * sent again instead of ending the session with "ping timeout".
         *
         * <p>Node has no such bound and needs none: its one thread runs each handler as the event is
         * read, so it reads no faster than it handles (what a handler awaits is not queued by socket.io).
         * Handlers here run on other threads, so the queue between reading and handling needs a bound.
         */
        public Builder maxQueuedEvents(int events) {
            if (events < 8) {
                throw new IllegalArgumentException("maxQueuedEvents must be at least 8");
            }
            this.maxQueuedEvents = events;
            return this;
        }

        /**
         * Inbound flow control in bytes: the most wire bytes (text, plus binary attachments) of
         * incoming events one socket may have waiting for its handlers. Default 4 MB: reading pauses
         * above 1 MB and resumes under 512 KB. An event arriving while the queue is under this limit
         * is accepted whatever its size (up to {@link EngineOptions#maxHttpBufferSize}), so the queue
         * holds at most this plus one event. See {@link #maxQueuedEvents} for the behaviour.
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
         * (and the disconnect listeners) to finish, and for the default handler pool to end. Default
         * 10 s. Past it the server stops anyway: it logs how many sockets were still busy, and the
         * default pool's threads are interrupted.
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

        public Builder cors(CorsOptions cors) {
            this.cors = cors;
            return this;
        }

        public Builder allowRequest(AllowRequest allowRequest) {
            this.allowRequest = Objects.requireNonNull(allowRequest, "allowRequest");
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

        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            this.connectTimeout = timeout;
            return this;
        }

        public Builder limits(ProtocolLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * The executor handlers run on. Each connection's handlers still run one at a time, in order.
         * On Java 21+, {@code Executors.newVirtualThreadPerTaskExecutor()} works as is.
         *
         * <p>{@code Runnable::run} is the explicit opt-in for handlers that never block: they then run
         * on the network thread that read the packet, with no thread hand-off (the fastest setting,
         * and the wrong one for any handler that waits on I/O or locks).
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

        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = handler;
            return this;
        }

        /** The adapter of every namespace: the in-memory one by default, a cluster adapter to scale out. */
        public Builder adapter(AdapterFactory adapter) {
            this.adapter = Objects.requireNonNull(adapter, "adapter");
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
         * Serves the socket.io browser client, like the Node server's {@code serveClient}: GET
         * {@code /socket.io/socket.io.js} (under {@link #path}), {@code socket.io.min.js},
         * {@code socket.io.esm.min.js} and their {@code .map} files, so a page can load it with
         * {@code <script src="/socket.io/socket.io.js">}. ETag (the client's version) with 304,
         * {@code Cache-Control: public, max-age=0}, compressed when {@link #httpCompression} is on.
         * Needs the {@code io.windsock:windsock-client-bundle} jar on the classpath (it holds the
         * npm {@code socket.io-client} files); without it, starting the server fails. Default off.
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

        public WindsockOptions build() {
            return new WindsockOptions(this);
        }
    }
}
