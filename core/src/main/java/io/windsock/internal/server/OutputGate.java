package io.windsock.internal.server;

import io.windsock.adapter.EncodedPacket;
import io.windsock.internal.carrier.Frames;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.protocol.SocketPacket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A socket's output gate: its connection state and every write to its client happen under one
 * lock, so nothing goes out before the CONNECT reply (packets for a connecting socket are held, then
 * sent right after it, behind any replayed events) and nothing after the socket left. The reply itself
 * waits until the connection listeners have run ({@link #release}).
 *
 * <p>What the connecting sockets of one connection hold together is bounded by
 * {@code maxPendingOutboundBytes}, in a budget of its own beside the carrier's: a packet that would
 * take them past it is refused and the connection is dropped as a "transport error", as a client too
 * slow to take what it is sent is (see {@link Client#reserveHeld}). At the CONNECT reply the packets
 * move to the carrier, whose own budget must then have room for them.
 *
 * <p>A write may carry a notice for the outgoing listeners: it is queued on the socket's executor
 * under the lock, after the write, so notices queue in wire order and before the socket's close
 * task (queued after {@link #close}). Only queued: nothing runs under the lock, as a task run here
 * that writes to another socket would take two gates' locks in any order. The caller gives the
 * executor its turn ({@link SerialExecutor#schedule}) once the lock is released.
 */
final class OutputGate {
    enum State { CONNECTING, CONNECTED, DISCONNECTED }

    private final Client client;
    /** Written under this gate's lock (its own monitor: the gate is never exposed). */
    private volatile State state = State.CONNECTING;
    /** Set with CONNECTED, never cleared: events of a socket refused while connecting are not handled. */
    private volatile boolean wasConnected;
    /** A packet held while connecting, encoded for the client; {@code offset} when recovery stored it. */
    private record Held(Frames frames, String offset) {
    }

    /**
     * While connecting, and while the CONNECT reply waits: what to send after it, in order: broadcasts
     * and the socket's own writes. Under the lock; null once the reply went out or the socket left.
     */
    private List<Held> held = new ArrayList<>();
    /**
     * The CONNECT reply while the connection listeners run: the socket is connected for the application, but
     * what it writes is held with the reply until {@link #release}, so that a client that sees its CONNECT
     * finds the socket in the rooms its listeners joined (as Node runs its {@code connection} handler before
     * anything the client does after it). Null otherwise. Under the lock.
     */
    private SocketPacket pendingReply;
    /** The bytes of {@link #held}, reserved with the client. Under the lock. */
    private long heldBytes;
    /** Set when a packet to hold was refused at the bound: the connection is being dropped. Under the lock. */
    private boolean overflowed;
    /** While recovering: the missed events to replay after the CONNECT reply, encoded, and their offsets. Under the lock. */
    private List<Frames> replay = List.of();
    private Set<String> replayedOffsets = Set.of();

    OutputGate(Client client) {
        this.client = client;
    }

    State state() {
        return state;
    }

    boolean wasConnected() {
        return wasConnected;
    }

    /**
     * Sends a broadcast's packet, or holds it while connecting; either way queues {@code notice}, if
     * any, on {@code executor}. @return false once the socket left, or when refused at the bound (then
     * the notice is not queued)
     */
    boolean send(EncodedPacket packet, SerialExecutor executor, Runnable notice) {
        long refused;
        synchronized (this) {
            switch (state) {
                case CONNECTING -> refused = hold(client.carrier().dialect().frames(packet), packet.offset());
                case CONNECTED -> {
                    if (pendingReply != null) {
                        refused = hold(client.carrier().dialect().frames(packet), packet.offset());
                    } else {
                        client.writeEncoded(packet);
                        refused = 0;
                    }
                }
                default -> {
                    return false;
                }
            }
            if (refused == 0 && notice != null) {
                executor.submit(notice);
            }
        }
        return accepted(refused);
    }

    /**
     * Holds a packet unless that takes the connection's held bytes past the bound. Under the lock.
     *
     * @return 0 when held; else the bytes refused (-1 when an earlier packet was refused already)
     */
    private long hold(Frames frames, String offset) {
        if (overflowed) {
            return -1;
        }
        long bytes = frames.byteSize();
        if (!client.reserveHeld(bytes)) {
            overflowed = true;
            return bytes;
        }
        held.add(new Held(frames, offset));
        heldBytes += bytes;
        return 0;
    }

    /** Once the lock is released: a first refusal drops the connection. @return whether the packet was taken */
    private boolean accepted(long refused) {
        if (refused > 0) {
            client.dropForHeldBytes(refused);
        }
        return refused == 0;
    }

    /** Gives back the bytes held. Under the lock. */
    private void releaseHeld() {
        if (heldBytes > 0) {
            client.releaseHeld(heldBytes);
            heldBytes = 0;
        }
    }

    /**
     * Writes the packets and queues {@code notice}, if any, on {@code executor}: only while connected.
     * @return whether they were written (else the notice is not queued)
     */
    boolean writeIfConnected(Frames frames, SerialExecutor executor, Runnable notice) {
        long refused;
        synchronized (this) {
            if (state != State.CONNECTED) {
                return false;
            }
            if (pendingReply != null) {
                refused = hold(frames, null);
            } else {
                client.writeEncoded(frames);
                refused = 0;
            }
            if (refused == 0 && notice != null) {
                executor.submit(notice);
            }
        }
        return accepted(refused);
    }

    /**
     * As {@link #writeIfConnected}, but while connecting the packets are held, in order with the
     * broadcasts held, for after the CONNECT reply (an emit from a connection middleware).
     *
     * @param asksAnswer an event with an ack id: one written while the CONNECT reply waits for the
     *     connection listeners sends the reply first, since a listener may wait for the answer
     * @return false once the socket left, or when refused at the bound (then the notice is not queued)
     */
    boolean writeOrHold(Frames frames, SerialExecutor executor, Runnable notice, boolean asksAnswer) {
        long refused;
        synchronized (this) {
            switch (state) {
                case CONNECTING -> refused = hold(frames, null);
                case CONNECTED -> {
                    if (asksAnswer) {
                        writePending();
                    }
                    if (pendingReply != null) {
                        refused = hold(frames, null);
                    } else {
                        client.writeEncoded(frames);
                        refused = 0;
                    }
                }
                default -> {
                    return false;
                }
            }
            if (refused == 0 && notice != null) {
                executor.submit(notice);
            }
        }
        return accepted(refused);
    }

    /**
     * The missed events to replay right after the CONNECT reply, encoded here and held as the
     * connection's held packets are, within half its outbound bound: past that the recovery is given
     * up. Were the backlog let through, a client that cannot take it at once (a poll) would be dropped
     * for it, and find the same session, and the same backlog, on every try. Socket executor, while
     * connecting.
     *
     * @return whether the events are held for the CONNECT reply (else nothing is)
     */
    boolean replay(String namespace, List<List<Object>> missed) {
        long budget = client.server().options().engine().maxPendingOutboundBytes() / 2;
        List<Frames> frames = new ArrayList<>(missed.size());
        Set<String> offsets = new HashSet<>();
        long bytes = 0;
        for (List<Object> event : missed) {
            Frames encoded = client.encode(SocketPacket.event(namespace, event, SocketPacket.NO_ID));
            bytes += encoded.byteSize();
            if (bytes > budget) {
                return false;
            }
            frames.add(encoded);
            if (!event.isEmpty() && event.get(event.size() - 1) instanceof String offset) {
                offsets.add(offset);
            }
        }
        if (!client.reserveHeld(bytes)) {
            return false;
        }
        synchronized (this) {
            if (state != State.CONNECTING) {
                client.releaseHeld(bytes);
                return false;
            }
            replay = frames;
            replayedOffsets = offsets;
            heldBytes += bytes;
            return true;
        }
    }

    /** Drops what was held for after the CONNECT reply (a recovery given up). */
    void dropHeld() {
        synchronized (this) {
            if (held != null) {
                held.clear();
                replay = List.of();
                replayedOffsets = Set.of();
                releaseHeld();
            }
        }
    }

    /**
     * Connecting to connected, for the application: the CONNECT reply waits with what was held until
     * {@link #release} (the connection listeners run meanwhile).
     *
     * @return false when the socket was not connecting any more, or its connection has closed
     */
    boolean open(SocketPacket connectReply) {
        synchronized (this) {
            if (client.hasClosed() || state != State.CONNECTING) {
                return false;
            }
            state = State.CONNECTED;
            wasConnected = true;
            pendingReply = connectReply;
            return true;
        }
    }

    /**
     * Writes the CONNECT reply, then the replayed events, then what was held (but the events the replay
     * already carried). Does nothing unless the reply is pending. Any thread.
     */
    void release() {
        synchronized (this) {
            writePending();
        }
    }

    /** Under the lock. */
    private void writePending() {
        if (pendingReply == null) {
            return;
        }
        client.write(pendingReply);
        pendingReply = null;
        for (Frames event : replay) {
            client.writeEncoded(event);
        }
        for (Held packet : held) {
            if (packet.offset() == null || !replayedOffsets.contains(packet.offset())) {
                client.writeEncoded(packet.frames());
            }
        }
        held = null;
        releaseHeld(); // from here the carrier's own budget counts them
        replay = List.of();
        replayedOffsets = Set.of();
    }

    /**
     * Closes the gate for good; with a DISCONNECT packet, only a connected socket, and the packet is
     * its last write.
     *
     * @return the state before, or {@code null} when nothing changed
     */
    State close(SocketPacket disconnect) {
        synchronized (this) {
            State previous = state;
            if (previous == State.DISCONNECTED || disconnect != null && previous != State.CONNECTED) {
                return null;
            }
            if (disconnect != null) {
                writePending(); // the client hears of its connect, then of the disconnect, as from Node
            }
            pendingReply = null;
            // Disconnected before the DISCONNECT goes out: writing it may close the whole connection on
            // this thread (a 0.9 "/"), whose close then finds this socket already closed.
            state = State.DISCONNECTED;
            held = null;
            replay = List.of();
            releaseHeld();
            if (disconnect != null) {
                client.write(disconnect);
            }
            return previous;
        }
    }
}
