package io.windsock.internal.engine;

import io.windsock.engine.EngineOptions;
import java.util.List;

/**
 * One way packets reach a client: long-polling or WebSocket. Implemented by the network layer; the
 * session calls it on its scheduler's thread only.
 */
public interface EngineTransport {
    /** @return long-polling or WebSocket. */
    TransportKind kind();

    /** @return the wire name: {@code "polling"} or {@code "websocket"}. */
    default String name() {
        return kind().wireName();
    }

    /** @return whether {@link #send} may be called now (a poll is waiting, or the socket is open). */
    boolean isWritable();

    /**
     * Any thread: whether a packet queued now would go out without waiting (a poll is waiting, or the
     * WebSocket is under its write-buffer high-water mark). An estimate, used to drop volatile
     * packets; transports whose state lives on the scheduler thread must override it.
     */
    default boolean isWritableNow() {
        return isWritable();
    }

    /**
     * Any thread: the bytes this transport has taken from the session and not yet handed to the network
     * (WebSocket frames or poll responses still in the connection's write buffer). They count against
     * {@link EngineOptions#maxPendingOutboundBytes()} with what the session still queues.
     */
    default long pendingBytes() {
        return 0;
    }

    /**
     * Called once on the session's first transport, before its OPEN packet is sent: long-polling sets the
     * session cookie ({@link EngineOptions#cookie()}) on the handshake's response. The default does nothing.
     */
    default void opening(String sessionId) {
    }

    /** Writes packets to the client; for long-polling this answers the waiting poll. */
    void send(List<io.windsock.internal.engine.codec.EnginePacket> packets);

    /**
     * Closes the transport. Long-polling answers a waiting poll with a CLOSE packet (or the next poll,
     * if none waits); WebSocket closes the connection.
     */
    void close();

    /**
     * Closes at once, dropping whatever the client has not read: the session gave up on a client too slow
     * to take its packets, so nothing more is queued behind them. By default as {@link #close()}.
     */
    default void abort() {
        close();
    }

    /**
     * Stops or resumes reading what the client sends: a WebSocket stops reading its connection, a
     * long-polling transport holds the answer to the client's POST (so the client sends no next one).
     * Packets already read are still delivered. The default does nothing (a transport that cannot
     * pause). Scheduler thread.
     */
    default void setReadingSuspended(boolean suspended) {
    }

    /**
     * A WebSocket probe of this session has answered: the client now lets its requests in flight end
     * and sends nothing more on this transport before its UPGRADE. Long-polling answers a POST it holds
     * while reading is paused: the client sends UPGRADE only after that answer. Scheduler thread.
     */
    default void upgradeProbed() {
    }

    /** Retires a transport after an upgrade: a waiting poll is answered with NOOP and later polls are refused. */
    void discard();
}
