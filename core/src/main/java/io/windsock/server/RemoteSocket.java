package io.windsock.server;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A socket found by {@link BroadcastOperator#fetchSockets()}, on this node or (with a cluster
 * adapter) another: a snapshot of its id, handshake, rooms and data, and a handle to act on it.
 * Thread-safe; acting on a socket that has left does nothing.
 *
 * <p>Node's {@code remoteSocket.timeout(ms).emitWithAck(...)} is, here, a broadcast to the socket's own
 * room: {@code namespace.to(remote.id()).timeout(timeout).emitWithAck(...)}, whose list holds its answer
 * (none if it left), on any node.
 */
public interface RemoteSocket {
    String id();

    Handshake handshake();

    /** @return its rooms when fetched, its own id included. */
    Set<String> rooms();

    /** @return a copy of its per-connection data when fetched. */
    Map<String, Object> data();

    /** Sends it an event. */
    void emit(String event, Object... args);

    /**
     * Sends it an event and waits for its ack, on whichever node it is (Node's
     * {@code remoteSocket.timeout(t).emitWithAck(...)}).
     *
     * @param timeout how long to wait for the ack; zero or negative: it times out at once
     * @return completes with the first argument of its ack ({@code null} for an ack without arguments: a
     *         cluster carries only the first, as Node's adapters do); exceptionally with a
     *         {@link BroadcastTimeoutException} when no ack came in time (also when it disconnected before
     *         answering), or with an {@link IllegalStateException} when it is connected to no node any more
     *         (Node completes with {@code undefined} then). Dependent actions run on the server's handler
     *         executor, as {@link BroadcastOperator#emitWithAck}'s.
     */
    CompletableFuture<Object> emitWithAck(Duration timeout, String event, Object... args);

    /** Makes it join rooms. */
    void join(String... rooms);

    /** Makes it leave a room. */
    void leave(String room);

    /** Disconnects it; with {@code close}, closes its whole connection. */
    void disconnect(boolean close);
}
