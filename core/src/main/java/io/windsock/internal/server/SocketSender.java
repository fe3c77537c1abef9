package io.windsock.internal.server;

import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.carrier.Frames;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.protocol.SocketPacket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The sending half of a {@link SocketImpl}: its emits (kept, volatile, awaiting an ack), the
 * broadcast packets its adapter hands it, and the acks it owes its client. Every write goes through
 * the socket's {@link OutputGate}, under whose lock the outgoing listeners' notice is queued with
 * the write, so they see packets in the order they go out. Any thread.
 */
final class SocketSender {
    private final SocketImpl socket;
    private final NamespaceImpl namespace;
    private final Client client;
    private final SocketIdentity identity;
    private final SerialExecutor executor;
    private final SocketListeners listeners;
    private final SocketAcks acks;
    private final OutputGate out;

    SocketSender(SocketImpl socket, NamespaceImpl namespace, Client client, SocketIdentity identity,
            SerialExecutor executor, SocketListeners listeners, SocketAcks acks, OutputGate out) {
        this.socket = socket;
        this.namespace = namespace;
        this.client = client;
        this.identity = identity;
        this.executor = executor;
        this.listeners = listeners;
        this.acks = acks;
        this.out = out;
    }

    /**
     * While the socket connects (from a connection middleware, say) the event is held with what its
     * broadcasts hold and goes out right after the CONNECT reply. Node writes it before its CONNECT,
     * and socket.io-client buffers it until then; here nothing precedes the CONNECT reply (clients of
     * older protocols do not buffer), so the client gets it once connected.
     */
    void emit(String event, Object[] args) {
        Events.checkNotReserved(event);
        boolean stored = namespace.recovery() != null;
        if (socket.hasLeft() && !(stored && identity.canRecover())) {
            countIfLeft();
            return;
        }
        SocketPacket packet = SocketPacket.event(namespace.name(), Events.eventList(event, args), SocketPacket.NO_ID);
        if (stored) {
            // Stored and numbered like a broadcast to this socket's own room (as socket.io does). A
            // connecting socket joins that room now rather than with its CONNECT reply, else the event
            // would reach no one; were it held unnumbered instead, the client would take its last
            // argument for an offset. Once the socket left, the broadcast reaches no one but is still
            // stored, so a client that recovers the session gets it with the events it missed, as
            // Node's socket.emit stores it connected or not: a handler of an event that arrived before
            // a drop, which Node runs before the close, may run after it here.
            if (out.state() == OutputGate.State.CONNECTING) {
                socket.join(List.of(socket.id()));
            }
            namespace.adapter().broadcast(packet, BroadcastOptions.to(Set.of(socket.id())));
        } else {
            writeOrHold(client.encode(packet), packet);
        }
    }

    /** Written when a broadcast's volatile packet would be; never through the adapter, so never stored. */
    void emitVolatile(String event, Object[] args) {
        Events.checkNotReserved(event);
        if (takesVolatileNow()) {
            SocketPacket packet = SocketPacket.event(namespace.name(), Events.eventList(event, args),
                    SocketPacket.NO_ID);
            writeOrHold(client.encode(packet), packet); // left meanwhile: dropped, counted as after a close
        }
    }

    /** Whether a volatile packet goes out: connected (not connecting), and the carrier takes it at once. */
    private boolean takesVolatileNow() {
        return out.state() == OutputGate.State.CONNECTED && client.carrier().isWritableNow();
    }

    CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object[] args) {
        Events.checkNotReserved(event);
        long timeoutMs = Events.ackTimeoutMillis(timeout); // before anything is registered: a bad one leaves nothing behind
        CompletableFuture<List<Object>> future = new CompletableFuture<>();
        if (socket.hasLeft()) {
            countIfLeft();
            future.completeExceptionally(new IllegalStateException("socket " + socket.id() + " is disconnected"));
            return future;
        }
        long ackId = namespace.nextAckId();
        SocketPacket packet = SocketPacket.event(namespace.name(), Events.eventList(event, args), ackId);
        Frames frames = client.encode(packet); // before the ack is registered: a value that cannot be written leaves nothing behind
        // Registered before its timer is scheduled: a timer that fires before this thread goes on finds it.
        acks.expect(ackId, future, EngineScheduler.Cancellable.NONE);
        EngineScheduler.Cancellable timer = SocketAcks.scheduleTimeout(client.carrier().scheduler(), () -> {
            CompletableFuture<List<Object>> expired = acks.timedOut(ackId);
            if (expired != null) {
                acks.completeLater(expired, null, new TimeoutException(
                        "operation has timed out: no ack for '" + event + "' from socket " + socket.id() + " within "
                                + timeoutMs + " ms")); // socket.io's words first, as a broadcast's
            }
        }, timeoutMs);
        acks.setTimer(ackId, future, timer);
        // From a connection listener, which may wait for the answer, this sends the CONNECT reply first.
        if (!writeOrHold(frames, packet) && acks.timedOut(ackId) != null) {
            // Left between the check above and the write: fail now, not at the timeout.
            timer.cancel();
            acks.completeLater(future, null, new IllegalStateException("socket " + socket.id() + " is disconnected"));
        }
        return future;
    }

    /** A broadcast's packet, from the adapter: a volatile one only if it goes out at once. */
    void send(EncodedPacket packet, BroadcastOptions options) {
        if (options.volatileFlag() && !takesVolatileNow()) {
            return;
        }
        Runnable notice = listeners.outgoingNotice(packet.packet());
        afterWrite(out.send(packet, executor, notice), notice);
    }

    /** Writes the ack a client asked for, unless the socket left. The outgoing listeners do not see it. */
    void writeAck(SocketPacket ack) {
        if (!afterWrite(out.writeIfConnected(client.encode(ack), executor, null), null)) {
            countIfLeft();
        }
    }

    /** An event the socket emits: held while it connects (see {@link #emit}), dropped once it left. */
    private boolean writeOrHold(Frames frames, SocketPacket event) {
        Runnable notice = listeners.outgoingNotice(event);
        if (afterWrite(out.writeOrHold(frames, executor, notice, event.hasId()), notice)) {
            return true;
        }
        countIfLeft();
        return false;
    }

    /**
     * Once the gate's lock is released: the outgoing listeners' notice the gate queued with the
     * write gets a turn of the executor (never under the lock: it may run the listeners here); one
     * the gate did not queue, nothing being written, is given back.
     */
    private boolean afterWrite(boolean written, Runnable notice) {
        if (notice != null) {
            if (written) {
                executor.schedule();
            } else {
                listeners.outgoingNotQueued();
            }
        }
        return written;
    }

    /** An emit or ack after the socket left is dropped, never thrown at the handler that made it: counted. */
    private void countIfLeft() {
        if (out.state() == OutputGate.State.DISCONNECTED) {
            client.server().stats().countDroppedAfterClose();
        }
    }
}
