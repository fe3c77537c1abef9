package io.windsock;

import io.windsock.engine.EngineServer;
import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A Socket.IO server.
 *
 * <pre>{@code
 * Windsock server = Windsock.builder()
 *         .port(8001)
 *         .namespace("/chat", chat -> chat.onConnection(socket ->
 *                 socket.on("hello", (args, ack) -> ack.send("hi " + args.get(0)))))
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds the port; {@link #stop()} disconnects every client ("server
 * shutting down") and releases threads. Namespaces may be added before or after start. Thread-safe.
 */
public final class Windsock implements AutoCloseable {
    private final WindsockOptions options;
    private final SocketIoServer sockets;
    private final ExecutorService ownedExecutor;
    private final HttpFallback fallback;
    private HttpServer http;
    private InetSocketAddress address;

    private Windsock(Builder builder) {
        this.options = builder.options;
        this.ownedExecutor = options.handlerExecutor() == null ? HandlerExecutors.newDefault() : null;
        this.sockets = new SocketIoServer(options,
                ownedExecutor != null ? ownedExecutor : options.handlerExecutor());
        this.fallback = builder.fallback;
        for (Consumer<Windsock> setup : builder.setups) {
            setup.accept(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts serving. */
    public synchronized Windsock start() {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        EngineServer engine = new EngineServer(options.engine(), sockets::onEngineConnection);
        TransportConfig config = new TransportConfig(options.path(), options.engine(), options.cors(),
                options.allowRequest(), options.perMessageDeflate(), options.httpCompression(), fallback);
        HttpServer server = new HttpServer(config, engine);
        try {
            address = server.start(options.host(), options.port(), options.ioThreads());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
        http = server;
        return this;
    }

    /** Disconnects every client and stops. Idempotent. */
    public synchronized void stop() {
        if (http != null) {
            http.stop();
            http = null;
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** @return the port bound (useful with port 0), or -1 before start. */
    public synchronized int port() {
        return address == null ? -1 : address.getPort();
    }

    public WindsockOptions options() {
        return options;
    }

    /** @return the namespace with this name ({@code "/"} is the main one), created if needed. */
    public Namespace of(String name) {
        return sockets.of(name);
    }

    /** @return a group of namespaces created on demand for names the pattern matches in full. */
    public Namespace of(Pattern pattern) {
        return sockets.of((name, auth) -> pattern.matcher(name).matches(), pattern.pattern());
    }

    /** @return a group of namespaces created on demand for names (and auth payloads) the matcher accepts. */
    public Namespace of(NamespaceMatcher matcher) {
        return sockets.of(matcher, matcher.toString());
    }

    /** Sends an event to every socket of the main namespace. */
    public void emit(String event, Object... args) {
        of("/").emit(event, args);
    }

    /** @return the Socket.IO layer, for the modules built on it. */
    public SocketIoServer internals() {
        return sockets;
    }

    /** Builds a server; nothing starts until {@link Windsock#start()}. */
    public static final class Builder {
        private WindsockOptions options = WindsockOptions.builder().build();
        private final List<Consumer<Windsock>> setups = new ArrayList<>();
        private HttpFallback fallback = HttpFallback.NONE;

        private Builder() {
        }

        public Builder options(WindsockOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Shortcut for {@code options(options.toBuilder().port(port).build())}. */
        public Builder port(int port) {
            options = options.toBuilder().port(port).build();
            return this;
        }

        /** Configures a namespace once the server exists. */
        public Builder namespace(String name, Consumer<Namespace> setup) {
            setups.add(server -> setup.accept(server.of(name)));
            return this;
        }

        /** Serves requests outside the Socket.IO path (internal: pages, the client bundle). */
        public Builder httpFallback(HttpFallback fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        public Windsock build() {
            return new Windsock(this);
        }
    }
}
