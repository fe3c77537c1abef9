package io.windsock.internal.server;

import io.windsock.protocol.SocketPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A 0.9 client's {@code 1::/ns} read while its socket there has left but not closed yet: it left while
 * joining, and stays the connection's member for the namespace until its close has run (see
 * {@link SocketInbound}), which waits behind its connect. The 0.9 server answers every {@code 1::/ns},
 * and the 0.9 client emits the namespace's "connect" only on that answer: taken as a repeated CONNECT
 * and ignored, the join left the namespace unusable. So the join waits here, and is made once the old
 * socket's close has run ({@link Client}); what the client sends the namespace meanwhile waits with it,
 * counted in the connection's {@link InboundQueue}, and goes to the new socket first, in order.
 *
 * <p>Bounded as joining is: one per namespace of a connection (a {@code 1::/ns} while one waits is
 * ignored, as a repeated CONNECT is), no socket made for it until the old one is gone, and its events
 * within the connection's inbound limits. A {@code 0::/ns} gives it up with its events, as leaving a
 * socket that joins drops what it holds; so does the connection's close.
 *
 * <p>Scheduler thread.
 */
final class PendingRejoin {
    private record Held(SocketPacket packet, long size, long wireBytes) {
    }

    private final Map<String, Object> auth;
    private final long connectBytes;
    private List<Held> events;

    /** @param connectBytes the CONNECT's wire bytes, which the socket keeps as its handshake's auth */
    PendingRejoin(Map<String, Object> auth, long connectBytes) {
        this.auth = auth;
        this.connectBytes = connectBytes;
    }

    Map<String, Object> auth() {
        return auth;
    }

    long connectBytes() {
        return connectBytes;
    }

    /**
     * Holds an event for the socket to come, counted in {@code queue} as if it were that socket's.
     *
     * @return false when the queue is at its limit: the event is refused
     */
    boolean hold(InboundQueue queue, SocketPacket event, long wireBytes) {
        long size = queue.sizeOf(event, wireBytes);
        if (!queue.offer(size, wireBytes)) {
            return false;
        }
        if (events == null) {
            events = new ArrayList<>(2);
        }
        events.add(new Held(event, size, wireBytes));
        return true;
    }

    /** Hands the events held to the socket made for this join, in order; with none (refused), drops them. */
    void handOver(SocketImpl socket, InboundQueue queue) {
        if (socket == null) {
            drop(queue);
            return;
        }
        if (events != null) {
            for (Held held : events) {
                SocketInbound.onCountedEvent(socket, queue, held.packet(), held.size(), held.wireBytes());
            }
            events = null;
        }
    }

    /** Gives the join up: its events are counted out, unhandled. */
    void drop(InboundQueue queue) {
        if (events != null) {
            for (Held held : events) {
                queue.done(held.size(), held.wireBytes());
            }
            events = null;
        }
    }
}
