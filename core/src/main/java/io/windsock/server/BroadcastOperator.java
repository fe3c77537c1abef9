package io.windsock.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A selection of a namespace's sockets (by rooms) and how to send to them, socket.io's
 * {@code io.to(room).except(other).emit(...)}. Immutable: each method returns a new operator, so one
 * may be kept and reused. Thread-safe; nothing blocks (sends are queued).
 *
 * <p>Selection: no room means every socket of the namespace; several rooms mean their union (each
 * socket once); {@code except} removes the sockets of its rooms. A socket's own id is a room.
 * From a socket ({@link Socket#to}, {@link Socket#broadcast()}), the socket itself is excepted.
 */
public interface BroadcastOperator {
    /** @return an operator that also selects the sockets in these rooms. */
    BroadcastOperator to(String... rooms);

    /** Same as {@link #to}. */
    default BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    /** @return an operator that leaves out the sockets in these rooms. */
    BroadcastOperator except(String... rooms);

    /**
     * @return an operator whose events are dropped for each client that cannot take them right now
     *         (its WebSocket is congested, or no poll is waiting): for data that may be lost. Volatile
     *         events are never stored for connection state recovery.
     */
    BroadcastOperator volatileEvents();

    /**
     * @return an operator whose packets carry this compression flag. Windsock compresses per
     *         connection (WebSocket perMessageDeflate, HTTP compression of polling responses) and its
     *         transports ignore the flag; it is passed to the adapter (and across a cluster).
     */
    BroadcastOperator compress(boolean compress);

    /**
     * @return an operator limited to this node's sockets (the same thing on a single node); its
     *         {@link #emitWithAck} waits for this node's recipients only, without asking the cluster
     */
    BroadcastOperator local();

    /**
     * @param timeout how long {@link #emitWithAck} waits for the acks; zero or negative: it times out at once
     *         (as Node, whose timer takes a negative delay as 1 ms), with the acks already there
     * @return an operator whose {@link #emitWithAck} waits this long for the acks
     * @throws IllegalArgumentException if {@code timeout} is too long to count in nanoseconds (about 292 years)
     */
    BroadcastOperator timeout(Duration timeout);

    /** Sends an event to the selected sockets. Arguments as for {@link Socket#emit}. */
    void emit(String event, Object... args);

    /**
     * Sends an event to the selected sockets and collects each one's ack: the future completes with
     * the first argument of every ack ({@code null} for an ack without arguments), in arrival order,
     * once all recipients answered (at once, with an empty list, when nobody was selected; so even
     * with a zero timeout where the number of nodes is known at once, as on a single node).
     * Otherwise, after the {@link #timeout}, it completes exceptionally with a
     * {@link BroadcastTimeoutException} carrying the acks received so far; later acks are dropped. A
     * recipient that disconnects without acking counts as missing. Dependent actions run on the
     * server's handler executor.
     *
     * <p>On a cluster, knowing that all recipients answered takes the number of nodes (the adapter's
     * server count, not asked for a {@link #local()} broadcast). If that count fails (the broker is
     * away), the future still completes at the timeout as above, with every ack received, this node's
     * included; the {@link BroadcastTimeoutException}'s cause is then the count's failure.
     *
     * <p>A server that stops completes it the same way before the timeout, as soon as no ack can come
     * any more: once its sockets are closed if only this node's recipients could answer (a
     * {@link #local()} broadcast, or a single node), else once its adapters are closed; the
     * exception's message then starts with "server shutting down".
     *
     * @throws IllegalStateException if no {@link #timeout} was set
     */
    CompletableFuture<List<Object>> emitWithAck(String event, Object... args);

    /**
     * @return a snapshot of the selected sockets (id, handshake, rooms, data); on a single node the
     *         future is already complete, else it completes on the server's handler executor
     * @throws UnsupportedOperationException on a dynamic namespace group's operator, unless
     *         {@link #local()}: the other nodes' children are unknown here (as Node's parent namespace)
     */
    CompletableFuture<List<RemoteSocket>> fetchSockets();

    /** Makes the selected sockets join these rooms. */
    void socketsJoin(String... rooms);

    /** Makes the selected sockets leave these rooms. */
    void socketsLeave(String... rooms);

    /** Disconnects the selected sockets; with {@code close}, closes their whole connections. */
    void disconnectSockets(boolean close);
}
