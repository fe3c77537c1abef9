package io.windsock.internal.server;

import io.windsock.internal.carrier.SocketDialect;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.protocol.NonFiniteList;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import io.windsock.server.ClientError;
import io.windsock.server.DisconnectReason;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client sends to one socket: events, handled in arrival order on the socket's executor and
 * counted in its {@link InboundQueue} until handled; acks of the socket's own emits; its DISCONNECT.
 * An event whose listeners are all declared non-blocking runs at once on the network thread when the
 * socket's executor is idle (see {@link SerialExecutor#executeHereIfIdle}).
 *
 * <p>Stateless: it works on the socket and its queue, which the socket passes in, so that sockets
 * carry no object for it.
 */
final class SocketInbound {
    private SocketInbound() {
    }

    /**
     * A packet of {@code size} wire bytes for this socket arrived. Scheduler thread; handling moves to
     * the socket's executor.
     */
    static void onPacket(SocketImpl socket, InboundQueue queue, SocketPacket packet, long size) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEventArrived(socket, queue, packet, size);
            case ACK, BINARY_ACK -> socket.acks().onAck(packet.id(), packet.args());
            case DISCONNECT -> {
                if (socket.wasConnected()) {
                    // At once: the client may join the namespace again right away.
                    socket.client().remove(socket);
                }
                // Else (a 0.9 client leaving while connecting) it stays a member, with its namespace slot
                // and auth share, until its close has run after its connect: its close removes it. A
                // join of the namespace read meanwhile waits for that (see PendingRejoin).
                socket.onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            }
            default -> { // CONNECT and CONNECT_ERROR are the client's business.
            }
        }
    }

    /**
     * Decides now whether the event is deliverable: it is unless the socket already left. The socket's
     * close queues its listeners from this same thread, so an event accepted here is queued before them.
     */
    private static void onEventArrived(SocketImpl socket, InboundQueue queue, SocketPacket packet, long wireBytes) {
        if (socket.hasLeft()) {
            return;
        }
        long size = queue.sizeOf(packet, wireBytes);
        if (!queue.offer(size, wireBytes)) {
            socket.client().onQueueLimit(socket.namespace().name(), queue.limits());
            return;
        }
        onCountedEvent(socket, queue, packet, size, wireBytes);
    }

    /**
     * Queues the handling of an event already counted in {@code queue} at {@code size} (one a 0.9
     * client sent while its join waited, see {@link PendingRejoin}); counted out at once if the socket
     * has left. Scheduler thread.
     */
    static void onCountedEvent(SocketImpl socket, InboundQueue queue, SocketPacket packet, long size, long wireBytes) {
        if (socket.hasLeft()) {
            queue.done(size, wireBytes);
            return;
        }
        Runnable handling = new Runnable() {
            @Override
            public void run() {
                if (holdWhileJoining(socket, this)) {
                    return; // runs again once the socket has connected or closed, still counted
                }
                try {
                    onEvent(socket, packet);
                } finally {
                    queue.done(size, wireBytes);
                }
            }
        };
        List<Object> all = packet.args();
        SerialExecutor executor = socket.serialExecutor();
        if (!all.isEmpty() && all.get(0) instanceof String event && socket.listeners().isNonBlocking(event)) {
            executor.executeHereIfIdle(handling); // here, on the network thread, unless earlier events wait
        } else {
            executor.execute(handling);
        }
    }

    private static void onEvent(SocketImpl socket, SocketPacket packet) {
        if (!socket.wasConnected() || socket.leftByServer()) {
            // Refused (or gone) before its CONNECT reply, or made to leave by the server (a handler
            // called disconnect(), a bad event closed it): what it sent is not delivered any more.
            return;
        }
        List<Object> all = packet.args();
        if (all.isEmpty()) {
            return;
        }
        String event = String.valueOf(all.get(0));
        if (Events.RESERVED.contains(event)) {
            Client client = socket.client();
            client.server().errorHandler().onError(socket, event,
                    new ClientError("reserved event name '" + LogSafe.text(event) + "' sent by client "
                            + client.carrier().id()));
            return;
        }
        List<Object> rest = all.subList(1, all.size());
        socket.listeners().dispatch(event, all instanceof NonFiniteList ? new NonFiniteList(rest) : new ArrayList<>(rest),
                packet.hasId() ? new ClientAck(socket.namespace().name(), packet.id(), socket::writeAck) : Ack.NONE);
    }

    /**
     * Holds an event's handling until the socket has connected or closed, for a 0.9 client whose socket
     * is still joining (see {@link SocketImpl#heldWhileJoining}). Other clients send nothing before the
     * CONNECT reply: an event of theirs is dropped as before. Socket executor.
     *
     * @return whether it was held
     */
    static boolean holdWhileJoining(SocketImpl socket, Runnable handling) {
        if (socket.joinSettled || socket.wasConnected() && socket.heldWhileJoining == null // else behind those held
                || socket.client().carrier().dialect().id() != SocketDialect.PROTOCOL_1) {
            return false;
        }
        if (socket.heldWhileJoining == null) {
            socket.heldWhileJoining = new ArrayList<>(2);
        }
        socket.heldWhileJoining.add(handling);
        return true;
    }

    /** The socket connected or closed: what was held while it joined is handled (or dropped) now, in order. Socket executor. */
    static void settleJoin(SocketImpl socket) {
        socket.joinSettled = true;
        List<Runnable> held = socket.heldWhileJoining;
        socket.heldWhileJoining = null;
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }
}
