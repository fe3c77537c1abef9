package io.windsock.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One client's connection to one namespace, with an id of its own (never chosen by the client).
 *
 * <p>Threading: every method may be called from any thread. Listeners of one socket run one at a
 * time, in the order events arrived, on the server's handler executor (never on a network thread).
 * Lifecycle: connected once the namespace's middlewares pass; disconnected for good after
 * {@link #onDisconnect} listeners ran. Emitting on a disconnected socket does nothing.
 */
public interface Socket {
    /** @return this socket's id, random, unique per namespace connection. */
    String id();

    Namespace namespace();

    Handshake handshake();

    boolean isConnected();

    /** @return {@code "polling"} or {@code "websocket"}. */
    String transport();

    /** @return per-connection data, free for the application (thread-safe). */
    Map<String, Object> data();

    /** Handles an event by name; one listener per name, the latest wins. */
    Socket on(String event, EventListener listener);

    /** Removes the listener of an event. */
    Socket off(String event);

    /** Receives every incoming event before its own listener (not the reserved ones). */
    Socket onAny(CatchAllListener listener);

    /** Receives the events that have no listener of their own; without one they are ignored. */
    Socket fallback(CatchAllListener listener);

    /** Called once when the socket leaves, with the reason. */
    Socket onDisconnect(Consumer<DisconnectReason> listener);

    /** Sends an event. Arguments are JSON-serializable values, {@code byte[]} or {@code ByteBuffer}. */
    void emit(String event, Object... args);

    /**
     * Sends an event and waits for the client's acknowledgement. The future completes with the
     * ack's arguments, or exceptionally with {@link java.util.concurrent.TimeoutException} after
     * {@code timeout}, or with {@link IllegalStateException} if the socket disconnects first.
     * Dependent actions run on this socket's executor.
     */
    CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args);

    /** Sends a {@code message} event (socket.io's {@code send}). */
    default void send(Object... args) {
        emit("message", args);
    }

    /** Leaves the namespace (the client gets {@code io server disconnect}); the connection stays. */
    default void disconnect() {
        disconnect(false);
    }

    /** Leaves the namespace, and with {@code close} closes the whole connection and its other namespaces. */
    void disconnect(boolean close);

    /** @return an executor that runs tasks in order with this socket's listeners. */
    java.util.concurrent.Executor executor();
}
