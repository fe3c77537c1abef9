package io.windsock.server;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A namespace ({@code "/"}, {@code "/admin"}): its middlewares, its connection listeners, its sockets
 * and rooms. Thread-safe. Register middlewares and listeners before clients connect; later ones apply
 * to later connections (on a dynamic group, to children created later: see {@code Windsock.of(Pattern)}).
 *
 * <p>Broadcasting: {@link #broadcast()} selects every socket; {@link #to}, {@link #except} and the
 * other shortcuts start a {@link BroadcastOperator} from there, e.g.
 * {@code namespace.to("room1").except("room2").emit("news", item)}. Rooms and broadcasts go through the
 * namespace's adapter ({@code Windsock.Builder.adapter}, in memory by default).
 */
public interface Namespace {
    String name();

    /** Adds a connect-time middleware; they run in order, before the connection listeners. */
    Namespace use(Middleware middleware);

    /**
     * Adds a listener for new sockets, called on the socket's executor once the socket is connected and before
     * its client gets the CONNECT reply, which goes out when the listeners have returned: as Node runs its
     * {@code connection} handler before anything its client does after the reply, a client that is connected
     * is in the rooms the listeners joined and gets what they emitted first. A listener that calls
     * {@code emitWithAck} or disconnects the socket sends the reply there (so it may wait for the client's
     * answer); a listener that blocks delays its client's connect.
     */
    Namespace onConnection(Consumer<Socket> listener);

    /** Sends an event to every socket of the namespace (same as {@code broadcast().emit(...)}). */
    void emit(String event, Object... args);

    /** @return the connected sockets of this node, a snapshot. */
    Collection<Socket> sockets();

    Optional<Socket> socket(String id);

    /** @return a snapshot of this node's rooms with at least one socket, each socket's own-id room included. */
    Set<String> rooms();

    /** @return an operator selecting every socket of the namespace. */
    BroadcastOperator broadcast();

    /** @return an operator selecting the sockets in these rooms. */
    default BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    /** Same as {@link #to}. */
    default BroadcastOperator in(String... rooms) {
        return broadcast().to(rooms);
    }

    /** @return an operator selecting every socket but those in these rooms. */
    default BroadcastOperator except(String... rooms) {
        return broadcast().except(rooms);
    }

    /** See {@link BroadcastOperator#volatileEvents()}. */
    default BroadcastOperator volatileEvents() {
        return broadcast().volatileEvents();
    }

    /** See {@link BroadcastOperator#compress(boolean)}. */
    default BroadcastOperator compress(boolean compress) {
        return broadcast().compress(compress);
    }

    /** See {@link BroadcastOperator#local()}. */
    default BroadcastOperator local() {
        return broadcast().local();
    }

    /** See {@link BroadcastOperator#timeout(Duration)}. */
    default BroadcastOperator timeout(Duration timeout) {
        return broadcast().timeout(timeout);
    }

    /** @return a snapshot of every socket of the namespace; see {@link BroadcastOperator#fetchSockets()}. */
    default CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return broadcast().fetchSockets();
    }

    /** Makes every socket of the namespace join these rooms. */
    default void socketsJoin(String... rooms) {
        broadcast().socketsJoin(rooms);
    }

    /** Makes every socket of the namespace leave these rooms. */
    default void socketsLeave(String... rooms) {
        broadcast().socketsLeave(rooms);
    }

    /** Disconnects every socket of the namespace; with {@code close}, closes their connections. */
    default void disconnectSockets(boolean close) {
        broadcast().disconnectSockets(close);
    }

    /**
     * Sends an event to the same namespace on the other nodes of a cluster, received there by
     * {@link #onServerSideEmit}. On a single node (the in-memory adapter) there is no other node and
     * the event goes nowhere.
     */
    void serverSideEmit(String event, Object... args);

    /**
     * Like {@link #serverSideEmit}, and collects the first argument of each other node's ack. On a
     * single node the future completes at once with an empty list. Completes exceptionally with a
     * {@link BroadcastTimeoutException} when some node does not answer within {@code timeout}.
     * Dependent actions run on the server's handler executor.
     */
    CompletableFuture<List<Object>> serverSideEmitWithAck(Duration timeout, String event, Object... args);

    /**
     * Handles an event another node sent with {@link #serverSideEmit}; one listener per name, the
     * latest wins. Runs on the server's handler executor, one event of the namespace at a time, in
     * arrival order (as in Node). At most 10,000 wait for a slow listener; more are dropped, logged.
     */
    Namespace onServerSideEmit(String event, EventListener listener);
}
