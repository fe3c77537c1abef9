package io.windsock;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.exec.SerialExecutor;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import io.windsock.internal.server.InboundQueue;
import io.windsock.internal.server.StatsCounters;
import java.util.concurrent.Executor;

/**
 * One session of an {@link EngineIoServer}: the {@link EngineIoServer.Connection} its listener gets, and
 * the receiver of the session's messages, which it hands to the listener in order on its serial
 * executor. Each message counts in the session's inbound queue (as an event of its size: characters of
 * text, bytes of binary) from its arrival until the listener returns, and the session stops being read
 * while too many wait, as a Socket.IO connection does.
 */
final class EngineIoSession implements EngineIoServer.Connection, EngineSession.Handler {
    private static final RateLimitedLog warnings = new RateLimitedLog(Loggers.ENGINE);

    private final EngineSession session;
    private final EngineIoServer.Listener listener;
    private final StatsCounters stats;
    private final SerialExecutor serial;
    private final InboundQueue queue;
    /** Runs once the listener's {@code onClose} has returned: what the server's stop waits for. */
    private final Runnable closed;
    /** Set once a message came past the bound: the session is closing, nothing more is delivered. Session thread. */
    private boolean refused;

    /** On the session's network thread, right after its handshake: the listener's {@code onOpen} is queued. */
    EngineIoSession(EngineSession session, EngineIoServer.Listener listener, Executor executor, StatsCounters stats,
                    InboundQueue.Limits limits, Runnable closed) {
        this.session = session;
        this.listener = listener;
        this.stats = stats;
        this.serial = new SerialExecutor(executor);
        this.queue = InboundQueue.forSession(session, stats, limits);
        this.closed = closed;
        stats.engineSessionOpened();
        serial.execute(() -> listener.onOpen(this));
    }

    // ---- the connection, for the listener: any thread ----

    @Override
    public String id() {
        return session.id();
    }

    @Override
    public EngineRequest request() {
        return session.request();
    }

    @Override
    public String transport() {
        return session.transportName();
    }

    @Override
    public void send(String text) {
        count(session.send(EnginePacket.message(text)));
    }

    @Override
    public void send(byte[] data) {
        count(session.send(EnginePacket.message(data)));
    }

    /** @param queued false: the session is closed, or the message was refused at the outbound bound (which closes it) */
    private void count(boolean queued) {
        if (queued) {
            stats.packetSent();
        } else {
            stats.countDroppedAfterClose();
        }
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "Connection[" + session.id() + "]";
    }

    // ---- the session's messages: its network thread ----

    @Override
    public void onMessage(EngineSession s, String text) {
        deliver(text.length(), () -> listener.onMessage(this, text));
    }

    @Override
    public void onBinary(EngineSession s, byte[] data) {
        deliver(data.length, () -> listener.onBinary(this, data));
    }

    @Override
    public void onClose(EngineSession s, String reason) {
        stats.engineSessionClosed();
        serial.execute(() -> {
            try {
                listener.onClose(this, reason);
            } finally {
                closed.run();
            }
        });
    }

    private void deliver(long size, Runnable call) {
        stats.packetReceived();
        if (refused) {
            return;
        }
        if (!queue.offer(size, size)) {
            // Only a client that goes on sending while it is not read gets here (see InboundQueue).
            refused = true;
            stats.countQueueLimitDisconnect();
            warnings.warn("queue-limit", "Engine.IO session {} sent messages past the queue limit of {}"
                    + " while its reading was paused; closed", session.id(), queue.limits());
            session.close(); // the messages accepted before are still delivered, then onClose
            return;
        }
        serial.execute(() -> {
            try {
                call.run();
            } finally {
                queue.done(size, size);
            }
        });
    }
}
