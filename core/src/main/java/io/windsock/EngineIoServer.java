package io.windsock;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.exec.RetryingExecutor;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.WindsockOptions;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * A raw Engine.IO server (like Node's {@code engine.io} package): sessions that exchange text and
 * binary messages, with no namespaces or events. Uses the transport, engine and limit settings of
 * {@link WindsockOptions} (set its path, e.g. {@code /engine.io/}).
 *
 * <p>Threading: listener methods of one connection run in order on the handler executor, never on
 * a network thread. {@link Connection} methods may be called from any thread.
 *
 * <p>Lifecycle: {@link #start()} binds the port, once; {@link #stop()} is final, as for
 * {@link Windsock}. Thread-safe.
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

        /** Sends a text message. */
        void send(String text);

        /** Sends a binary message. */
        void send(byte[] data);

        /** Closes the session after what is queued has been sent. */
        void close();
    }

    private static final class SessionConnection implements Connection {
        private final EngineSession session;

        SessionConnection(EngineSession session) {
            this.session = session;
        }

        @Override
        public String id() {
            return session.id();
        }

        @Override
        public EngineRequest request() {
            return session.request();
        }

        @Override
        public String transport() {
            return session.transportName();
        }

        @Override
        public void send(String text) {
            session.send(EnginePacket.message(text));
        }

        @Override
        public void send(byte[] data) {
            session.send(EnginePacket.message(data));
        }

        @Override
        public void close() {
            session.close();
        }

        @Override
        public String toString() {
            return "Connection[" + session.id() + "]";
        }
    }

    private final WindsockOptions options;
    private final Listener listener;
    private final ExecutorService ownedExecutor;
    private final Executor executor;
    /** The running server: set once bound, null before and after. Guarded by this. */
    private HttpServer http;
    private InetSocketAddress address;
    /** Set by the first stop (or a failed start): final. Guarded by this. */
    private boolean stopped;

    public EngineIoServer(WindsockOptions options, Listener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ownedExecutor = options.handlerExecutor() == null ? HandlerExecutors.newDefault() : null;
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
        if (stopped) {
            throw new IllegalStateException("this server was stopped and cannot start again; make a new one");
        }
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        EngineServer engine = new EngineServer(options.engine(), this::onSession);
        TransportConfig config = TransportSettings.of(options, HttpFallback.NONE, null);
        HttpServer server = new HttpServer(config, engine);
        try {
            address = server.start(options.host(), options.port(), options.ioThreads());
        } catch (InterruptedException e) {
            stop(); // the HTTP server has released its own threads and ports; the executor is left
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
        http = server;
        return this;
    }

    /** @return the port bound (useful with port 0), or -1 before a start that succeeded. */
    public synchronized int port() {
        return address == null ? -1 : address.getPort();
    }

    /**
     * Stops accepting, closes every session (listeners get {@code onClose}), ends the network
     * threads, then the default handler executor (one given in the options is the application's).
     * Final: {@link #start()} then throws. Idempotent. Not from a network thread (listeners never
     * run on one).
     */
    public synchronized void stop() {
        stopped = true;
        if (http != null) {
            http.stop();
            http = null;
        }
        // Only now, with the network threads ended: a task handed to the default executor after its
        // shutdown runs on the caller, and the caller must never be an event loop.
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void onSession(EngineSession session) {
        Connection connection = new SessionConnection(session);
        SerialExecutor serial = new SerialExecutor(executor);
        serial.execute(() -> listener.onOpen(connection));
        session.setHandler(new EngineSession.Handler() {
            @Override
            public void onMessage(EngineSession s, String text) {
                serial.execute(() -> listener.onMessage(connection, text));
            }

            @Override
            public void onBinary(EngineSession s, byte[] data) {
                serial.execute(() -> listener.onBinary(connection, data));
            }

            @Override
            public void onClose(EngineSession s, String reason) {
                serial.execute(() -> listener.onClose(connection, reason));
            }
        });
    }
}
