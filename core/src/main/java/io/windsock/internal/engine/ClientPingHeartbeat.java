package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EnginePacket;
import java.util.concurrent.TimeUnit;

/**
 * Engine.IO v3's heartbeat: the client sends PING every pingInterval and the server answers PONG; the
 * session closes with "ping timeout" when no PING arrives within pingInterval + pingTimeout (as the
 * Node server counts it). A PONG from the client is a protocol error.
 */
final class ClientPingHeartbeat implements Heartbeat {
    private final Session session;
    private EngineScheduler.Cancellable timeout = EngineScheduler.Cancellable.NONE;
    /** When {@link #timeout} fires, on the scheduler's clock. */
    private long deadlineNanos;

    ClientPingHeartbeat(Session session) {
        this.session = session;
    }

    @Override
    public void start() {
        resetTimeout();
    }

    @Override
    public void onPacket(EnginePacket packet) {
        switch (packet.type()) {
            case PING -> {
                resetTimeout();
                session.sendPong();
            }
            case PONG -> session.fail("transport error", "invalid heartbeat direction");
            default -> throw new IllegalArgumentException("not a heartbeat packet: " + packet.type());
        }
    }

    @Override
    public void onReadingResumed() {
        if (timeout == EngineScheduler.Cancellable.NONE) {
            return; // closing or stopped
        }
        long pingTimeout = session.options().pingTimeout().toMillis();
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - session.scheduler().nanoTime());
        if (left < pingTimeout) {
            schedule(pingTimeout); // the client's ping, due by now, may be just behind its held POST
        }
    }

    @Override
    public void onClosing() {
        // The close timer, as long, replaces this one: the session ends as "forced close".
        timeout.cancel();
        timeout = EngineScheduler.Cancellable.NONE;
    }

    @Override
    public void stop() {
        timeout.cancel();
        timeout = EngineScheduler.Cancellable.NONE;
    }

    private void resetTimeout() {
        schedule(session.options().pingInterval().plus(session.options().pingTimeout()).toMillis());
    }

    private void schedule(long millis) {
        timeout.cancel();
        deadlineNanos = session.scheduler().nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        timeout = session.scheduler().schedule(() -> {
            if (session.isReadingSuspended()) {
                // The client's ping may be waiting unread behind the paused input: wait another round.
                resetTimeout();
            } else {
                session.fail("ping timeout", null);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }
}
