package io.windsock.server;

/**
 * A snapshot of one server's counters, from {@code Windsock.stats()}: what is open now and at most,
 * how busy the server has been (TornadIO2's statistics), and what its inbound flow control did. The raw
 * Engine.IO server's {@code EngineIoServer.stats()} returns one too: there, packets are its messages,
 * and there are no sockets (see that method).
 * Immutable; the values are read one after the other, not all at one instant, so two of them may
 * disagree by the events that happened while the snapshot was taken.
 *
 * <p>Rates are moving averages over the last 10 whole seconds: right after start they count the
 * seconds not yet lived as zero. "Packets" are Socket.IO packets (an event, an ack, a CONNECT...),
 * not counting binary attachments; a broadcast counts one packet per recipient.
 *
 * @param engineSessions          client connections open now: Engine.IO sessions (clients 2.x to 4.x) and,
 *                                with {@link WindsockOptions#protocol1()} on, Socket.IO 0.9 sessions (a 0.9
 *                                session counts from its handshake until it closes or expires)
 * @param peakEngineSessions      the most client connections ever open at once
 * @param sockets                 sockets (a client in one namespace) open now, including those still in
 *                                their middlewares and those whose disconnect listeners are running
 * @param peakSockets             the most sockets ever open at once
 * @param connectionsPerSecond    client connections (Engine.IO and 0.9 sessions) opened per second
 * @param packetsSentPerSecond    Socket.IO packets sent per second
 * @param packetsReceivedPerSecond Socket.IO packets received per second
 * @param queuedEvents            incoming events arrived and not yet handled, over every socket
 * @param queuedBytes             the bytes of those events as held, as the inbound marks count them (wire
 *                                bytes, or the estimated heap of their decoded arguments where that is more)
 * @param peakConnectionQueuedEvents  the most events one connection (all its namespaces) ever had queued at once
 * @param peakConnectionQueuedBytes   the most bytes (counted as {@code queuedBytes}) one connection ever had
 *                                    queued at once
 * @param pausedConnections       connections whose reading is paused now (inbound flow control)
 * @param pauses                  how many times a connection's reading was paused
 * @param queueLimitDisconnects   clients disconnected because they sent past their socket's queue limit
 * @param droppedAfterClose       emits, acks and emits with ack made on a socket after it left, dropped
 *                                (handlers of events that arrived before a disconnect still run, and may
 *                                still emit)
 */
public record ServerStats(int engineSessions, int peakEngineSessions, long sockets, long peakSockets,
                          double connectionsPerSecond, double packetsSentPerSecond, double packetsReceivedPerSecond,
                          long queuedEvents, long queuedBytes, long peakConnectionQueuedEvents, long peakConnectionQueuedBytes,
                          int pausedConnections, long pauses, long queueLimitDisconnects, long droppedAfterClose) {
}
