package io.windsock.adapter;

import io.windsock.protocol.SocketPacket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The room membership and broadcast service of one namespace, shaped after socket.io's adapter.
 * {@link InMemoryAdapter} serves a single node and is the default; a cluster adapter (Redis) extends
 * it, publishes what must reach other nodes, and lets the in-memory part serve local sockets.
 *
 * <p>Threading: every method may be called from any thread, network event loops included, and
 * must not block; work that waits (a network round trip) returns a {@link CompletionStage}.
 * Lifecycle: {@link #init()} once the namespace exists, {@link #close()} when the server stops or
 * when a dynamic namespace is removed for being empty (on a handler thread, never a network one).
 *
 * <p>Rooms are plain strings; every connected socket is in the room named by its own id.
 */
public interface Adapter {
    /** Called once, after construction. */
    default void init() {
    }

    /**
     * Called once, when the server stops or the namespace is removed. A cluster adapter stops
     * listening to the other nodes here (without blocking).
     */
    default void close() {
    }

    /**
     * Completes when the adapter can serve sockets: for a cluster adapter, once its subscriptions are
     * confirmed, so that a socket connecting afterwards gets every broadcast from other nodes. A
     * namespace holds each connecting socket (before its middlewares) until then. Never completes
     * exceptionally: an adapter that gives up waiting (its server is down) completes it anyway and
     * reports the problem itself. An adapter that is ready at once (the default) returns a completed stage.
     */
    default CompletionStage<Void> ready() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    // ---- membership (always local: each node knows its own sockets) ----

    /** Adds a socket to rooms. */
    void addAll(String id, Set<String> rooms);

    /** Removes a socket from a room. */
    void del(String id, String room);

    /** Removes a socket from every room (it left). */
    void delAll(String id);

    /** @return a snapshot of a socket's rooms, empty when unknown. */
    Set<String> socketRooms(String id);

    /** @return a snapshot of this node's rooms that have at least one socket, socket-id rooms included. */
    Set<String> rooms();

    // ---- broadcasts ----

    /**
     * Sends an EVENT packet to the sockets {@code options} selects. The packet's namespace is this
     * adapter's; it has no ack id. With connection state recovery on, a non-volatile event is stored
     * and gets an offset as its last argument.
     */
    void broadcast(SocketPacket packet, BroadcastOptions options);

    /**
     * Sends an EVENT packet and collects each recipient's ack: the adapter gives the packet an ack
     * id, registers it on each recipient, then reports its recipient count (and, for a cluster,
     * every node's, except with {@link BroadcastOptions#local()}: the broadcast then waits for this
     * node's count only). Events with acks are never stored for recovery.
     */
    void broadcastWithAck(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler);

    /**
     * @return the number of nodes serving this namespace, this one included (1 for a single node). A
     *         broadcast with acks waits for this many client counts; if the stage fails, it waits for
     *         its timeout instead.
     */
    CompletionStage<Integer> serverCount();

    // ---- server-side operations on the selected sockets ----

    CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions options);

    /** Makes the selected sockets join rooms. */
    void addSockets(BroadcastOptions options, Set<String> rooms);

    /** Makes the selected sockets leave rooms. */
    void delSockets(BroadcastOptions options, Set<String> rooms);

    void disconnectSockets(BroadcastOptions options, boolean close);

    /** Sends an event to the other nodes' namespace of the same name; a single node has none. */
    void serverSideEmit(List<Object> eventAndArgs);

    /**
     * Sends an event to the other nodes and collects the first argument of each one's ack. Completes
     * exceptionally with a {@code BroadcastTimeoutException} when some node does not answer in time.
     * A single node completes at once with an empty list.
     */
    CompletionStage<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, Duration timeout);

    // ---- connection state recovery ----

    /** Keeps a session that left involuntarily, for {@code AdapterNamespace.recovery().maxDisconnectionDuration()}. */
    void persistSession(PersistedSession session);

    /**
     * First step of a recovery: removes and returns the session persisted under {@code pid}, if it has
     * not expired and {@code offset} is still known (else empty: the client connects afresh).
     *
     * <p>Recovery takes two steps, unlike socket.io's single {@code restoreSession}: between them the
     * namespace re-adds the socket to its rooms, so that nothing broadcast meanwhile is lost. What
     * arrives both ways is sent once (the socket drops live packets whose offset it already replayed).
     */
    CompletionStage<Optional<PersistedSession>> restoreSession(String pid, String offset);

    /**
     * Second step: the data of every stored event after {@code offset} that the session's rooms
     * select, oldest first, each ending with its own offset. Completes exceptionally if the offset
     * is no longer known.
     */
    CompletionStage<List<List<Object>>> missedPackets(PersistedSession session, String offset);
}
