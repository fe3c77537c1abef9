package io.windsock.internal.server;

import io.windsock.internal.exec.SerialExecutor;
import io.windsock.internal.log.LogSafe;
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
 */
final class SocketInbound {
    // The socket's other parts are reached through it: every socket has one of these.
    private final SocketImpl socket;
    private final InboundQueue queue;

    SocketInbound(SocketImpl socket, InboundQueue queue) {
        this.socket = socket;
        this.queue = queue;
    }

    /**
     * A packet of {@code size} wire bytes for this socket arrived. Scheduler thread; handling moves to
     * the socket's executor.
     */
    void onPacket(SocketPacket packet, long size) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEventArrived(packet, size);
            case ACK, BINARY_ACK -> socket.acks().onAck(packet.id(), packet.args());
            case DISCONNECT -> {
                socket.client().remove(socket);
                socket.onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            }
            default -> { // CONNECT and CONNECT_ERROR are the client's business.
            }
        }
    }

    /** The socket left: its queued events are still handled, but no longer hold the connection paused. */
    void release() {
        queue.release();
    }

    /**
     * Decides now whether the event is deliverable: it is unless the socket already left. The socket's
     * close queues its listeners from this same thread, so an event accepted here is queued before them.
     */
    private void onEventArrived(SocketPacket packet, long size) {
        if (socket.hasLeft()) {
            return;
        }
        if (!queue.offer(size)) {
            socket.client().onQueueLimit(socket, queue.limits());
            return;
        }
        Runnable handling = () -> {
            try {
                onEvent(packet);
            } finally {
                queue.done(size);
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

    private void onEvent(SocketPacket packet) {
        if (!socket.wasConnected()) {
            return; // refused (or gone) before its CONNECT reply: nothing of it is delivered
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
        socket.listeners().dispatch(event, new ArrayList<>(all.subList(1, all.size())),
                packet.hasId() ? new ClientAck(socket.namespace().name(), packet.id(), socket::writeAck) : Ack.NONE);
    }
}
