package io.windsock.internal.carrier;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.ReadSwitch;
import io.windsock.internal.protocol.SocketDecodeException;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.DisconnectReason;

/**
 * One client connection as the socket layer ({@code Client}, {@code SocketImpl}) sees it, whatever
 * engine or protocol generation carries it: an Engine.IO v4 or v3 session ({@link EngineCarrier}),
 * or a Socket.IO 0.9 ("protocol 1") session, which is no Engine.IO session at all. The socket layer
 * holds only this interface and the carrier's {@link SocketDialect}; it never asks which protocol it is.
 *
 * <p>Threading: the carrier's state lives on its {@link #scheduler()}, the one thread its I/O runs on.
 * {@link #send}, {@link #close}, {@link #closeAsTransportError} and the reading switches may be called
 * from any thread; the {@link Listener} is called on the scheduler thread and must not block.
 *
 * <p>Lifecycle: open from creation until it closes, once, with a {@link DisconnectReason} given to the
 * listener ({@link Listener#onClose}). Nothing is delivered after that and {@link #send} refuses.
 */
public interface Carrier extends ReadSwitch {
    /** @return the connection's id: the Engine.IO sid, or the protocol-1 session id. */
    String id();

    /**
     * @return the current transport's name as the protocol spells it ({@code "polling"},
     *         {@code "websocket"}; protocol 1: {@code "xhr-polling"}, {@code "jsonp-polling"}, ...).
     *         Exact on the scheduler thread, a recent value elsewhere.
     */
    String transportName();

    /**
     * A protocol-1 handshake connects "/" before the client opens any transport; the connection
     * listeners wait for the first one, so that they see the real {@link #transportName()}.
     *
     * @param later runs once the connection has a transport, or has closed without one; on the
     *              scheduler thread
     * @return false when the transport is known now (every Engine.IO connection): {@code later} is
     *         dropped and the caller goes on at once
     */
    default boolean deferUntilTransport(Runnable later) {
        return false;
    }

    /** @return whether the connection moved to another transport after it opened (Engine.IO upgrade). */
    boolean isUpgraded();

    /** @return the HTTP request that opened the connection (its handshake request). */
    EngineRequest request();

    /** @return whether the carrier is open (not closing, not closed). Any thread. */
    boolean isOpen();

    /** @return the single thread this connection's I/O and state run on, with its timers. */
    @Override
    EngineScheduler scheduler();

    /** @return how Socket.IO packets are written and read on this connection. */
    SocketDialect dialect();

    /**
     * Any thread: whether frames sent now would go out without waiting (an estimate). Volatile packets
     * are dropped when not.
     */
    boolean isWritableNow();

    /**
     * Queues already-encoded frames (made by this carrier's {@link #dialect()}) for the client, all or
     * none, in order with everything sent before. Any thread. Frames past the connection's outbound
     * budget are refused and the carrier closes as a transport error (the client is too slow).
     *
     * @return whether the frames were queued (false: refused at the budget, or the carrier is closed)
     */
    boolean send(Frames frames);

    /**
     * Closes cleanly ("forced close", not recoverable): what was queued goes out first. Any thread.
     */
    void close();

    /**
     * Closes as a failure of the transport (a recoverable "transport error": connection state recovery
     * keeps the sockets' sessions). Queued frames are dropped. Any thread.
     */
    void closeAsTransportError(String description);

    /**
     * Stops reading from the client until {@link #resumeReading()}; what was read is still delivered.
     * A carrier whose heartbeat needs the client's answer must not time it out while paused. Any thread.
     */
    @Override
    void suspendReading();

    /** Resumes reading after {@link #suspendReading()}. Any thread. */
    @Override
    void resumeReading();

    /**
     * Starts delivering to {@code listener}. Call once, on the scheduler thread, right after the
     * connection opened (before anything can arrive).
     */
    void start(Listener listener);

    /** What a carrier delivers, on its scheduler thread. Must not block. */
    interface Listener {
        /**
         * A whole Socket.IO packet arrived (binary attachments already joined in).
         *
         * @param wireBytes its size on the wire, counted against the inbound queue limits
         */
        void onPacket(SocketPacket packet, long wireBytes);

        /**
         * The client sent something the dialect cannot decode. The carrier stays open: the listener
         * decides (today: every socket leaves with "forced close", as in Node, or "parse error" for
         * protocol 1, then {@link Carrier#close()}).
         */
        void onDecodeError(SocketDecodeException error);

        /** The carrier closed; called once, last. */
        void onClose(DisconnectReason reason);
    }
}
