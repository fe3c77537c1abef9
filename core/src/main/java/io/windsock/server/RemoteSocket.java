package io.windsock.server;

import java.util.Map;
import java.util.Set;

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

    /** Makes it join rooms. */
    void join(String... rooms);

    /** Makes it leave a room. */
    void leave(String room);

    /** Disconnects it; with {@code close}, closes its whole connection. */
    void disconnect(boolean close);
}
