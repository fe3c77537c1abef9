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
    private HttpServer http;
    private InetSocketAddress address;

    public EngineIoServer(WindsockOptions options, Listener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ownedExecutor = options.handlerExecutor() == null ? HandlerExecutors.newDefault() : null;
        this.executor = ownedExecutor != null ? ownedExecutor : RetryingExecutor.wrap(options.handlerExecutor());
    }

    public synchronized EngineIoServer start() {
        EngineServer engine = new EngineServer(options.engine(), this::onSession);
        TransportConfig config = TransportSettings.of(options, HttpFallback.NONE, null);
        http = new HttpServer(config, engine);
        try {
            address = http.start(options.host(), options.port(), options.ioThreads());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
        return this;
    }

    public synchronized int port() {
        return address == null ? -1 : address.getPort();
    }

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
