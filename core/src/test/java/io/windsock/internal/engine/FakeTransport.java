package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EngineDecodeException;
import io.windsock.internal.engine.codec.EnginePacket;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EngineTransport} that records what the session sends, for tests. It behaves like the
 * network layer's transports:
 *
 * <ul>
 *   <li>polling: writable while a GET waits ({@link #poll()} makes one arrive); {@link #send}
 *       answers it. {@link #close()} answers a waiting GET with CLOSE, or else the next one, which
 *       then reports the transport closed. {@link #discard()} answers a waiting GET with NOOP.</li>
 *   <li>websocket: writable until closed.</li>
 * </ul>
 *
 * Sending while not writable, or after close, fails the test.
 */
final class FakeTransport implements EngineTransport {
    private final String name;
    private EngineSession session;
    private boolean writable;
    private boolean closed;
    private boolean closeOnNextPoll;
    private boolean discarded;
    private int closeCalls;
    private boolean aborted;
    /** What the network layer would still hold (unflushed frames or responses). */
    private long pendingBytes;
    /** Each element is one {@link #send} call (for polling: one HTTP response). */
    private final List<List<EnginePacket>> sent = new ArrayList<>();

    private FakeTransport(String name, boolean writable) {
        this.name = name;
        this.writable = writable;
    }

    /** A polling transport whose handshake GET waits for the OPEN packet. */
    static FakeTransport polling() {
        return new FakeTransport("polling", true);
    }

    static FakeTransport websocket() {
        return new FakeTransport("websocket", true);
    }

    FakeTransport bind(EngineSession session) {
        this.session = session;
        return this;
    }

    boolean isPolling() {
        return "polling".equals(name);
    }

    // ---- what the client does ----

    /** A GET arrives (polling only). */
    void poll() {
        if (!isPolling()) {
            throw new IllegalStateException("not polling");
        }
        if (writable) {
            throw new IllegalStateException("a GET already waits");
        }
        if (closeOnNextPoll) {
            closeOnNextPoll = false;
            sent.add(List.of(EnginePacket.CLOSE));
            session.onTransportClose(this);
            return;
        }
        if (discarded || closed) {
            throw new IllegalStateException("a retired transport refuses requests");
        }
        writable = true;
        session.onDrain(this);
    }

    /** The client sends one text frame (WebSocket) or one packet of a POST (polling). */
    void receive(String text) {
        try {
            session.onPacket(this, EngineCodecV4.INSTANCE.decodeText(text));
        } catch (EngineDecodeException e) {
            session.onParseError(this, e.getMessage());
        }
    }

    /** The client sends a binary message. */
    void receive(byte[] data) {
        session.onPacket(this, EngineCodecV4.INSTANCE.decodeBinaryFrame(data));
    }

    /** The connection drops (WebSocket) or the client closes. */
    void disconnect() {
        closed = true;
        writable = false;
        session.onTransportClose(this);
    }

    // ---- EngineTransport ----

    @Override
    public TransportKind kind() {
        return "polling".equals(name) ? TransportKind.POLLING : TransportKind.WEBSOCKET;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void send(List<EnginePacket> packets) {
        if (!writable || closed) {
            throw new AssertionError(name + ": send " + packets + " while " + (closed ? "closed" : "not writable"));
        }
        if (packets.isEmpty()) {
            throw new AssertionError(name + ": empty send");
        }
        sent.add(List.copyOf(packets));
        if (isPolling()) {
            writable = false;
        }
    }

    @Override
    public void close() {
        closeCalls++;
        if (closed) {
            return;
        }
        closed = true;
        if (isPolling()) {
            if (writable) {
                sent.add(List.of(EnginePacket.CLOSE));
                writable = false;
            } else if (!discarded) {
                closeOnNextPoll = true;
            }
        } else {
            writable = false;
        }
    }

    @Override
    public long pendingBytes() {
        return pendingBytes;
    }

    @Override
    public void abort() {
        aborted = true;
        closed = true;
        writable = false;
    }

    @Override
    public void discard() {
        discarded = true;
        if (writable) {
            sent.add(List.of(EnginePacket.NOOP));
            writable = false;
        }
    }

    // ---- what the test checks ----

    /** @return every send, one list per call. */
    List<List<EnginePacket>> sent() {
        return sent;
    }

    /** @return every packet sent, in order. */
    List<EnginePacket> sentPackets() {
        List<EnginePacket> all = new ArrayList<>();
        sent.forEach(all::addAll);
        return all;
    }

    /** @return the sends so far, and forgets them. */
    List<List<EnginePacket>> takeSent() {
        List<List<EnginePacket>> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }

    boolean isClosed() {
        return closed;
    }

    int closeCalls() {
        return closeCalls;
    }

    boolean isAborted() {
        return aborted;
    }

    void setPendingBytes(long bytes) {
        pendingBytes = bytes;
    }

    boolean isDiscarded() {
        return discarded;
    }

    boolean closesOnNextPoll() {
        return closeOnNextPoll;
    }

    @Override
    public String toString() {
        return "FakeTransport[" + name + "]";
    }
}
