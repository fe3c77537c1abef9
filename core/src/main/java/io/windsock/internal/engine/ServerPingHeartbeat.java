package io.windsock.internal.engine;

import io.windsock.internal.engine.codec.EnginePacket;
import java.util.concurrent.TimeUnit;

/**
 * Engine.IO v4's heartbeat: the server sends PING every pingInterval and closes the session with
 * "ping timeout" when no PONG follows within pingTimeout. A PING from the client is a protocol error.
 */
final class ServerPingHeartbeat implements Heartbeat, Runnable {
    private final Session session;
    private EngineScheduler.Cancellable pingIntervalTimer = EngineScheduler.Cancellable.NONE;
    private EngineScheduler.Cancellable pingTimeoutTimer = EngineScheduler.Cancellable.NONE;

    ServerPingHeartbeat(Session session) {
        this.session = session;
    }

    @Override
    public void start() {
        schedulePing();
    }

    @Override
    public void onPacket(EnginePacket packet) {
        switch (packet.type()) {
            case PONG -> {
                // Dropped, not only cancelled: an idle session would hold the cancelled timer until its next ping.
                pingTimeoutTimer.cancel();
                pingTimeoutTimer = EngineScheduler.Cancellable.NONE;
                schedulePing();
            }
            case PING -> session.fail("transport error", "invalid heartbeat direction");
            default -> throw new IllegalArgumentException("not a heartbeat packet: " + packet.type());
        }
    }

    @Override
    public void onReadingResumed() {
        if (pingTimeoutTimer != EngineScheduler.Cancellable.NONE) {
            // A ping waits for its pong: at most pingTimeout remain, so pingTimeout from now is later.
            resetPingTimeout();
        }
    }

    @Override
    public void onClosing() {
        // The close timer replaces the heartbeat: a later ping would cancel it and end the session
        // with "ping timeout" instead of "forced close".
        pingIntervalTimer.cancel();
    }

    @Override
    public void stop() {
        pingIntervalTimer.cancel();
        pingTimeoutTimer.cancel();
    }

    private void schedulePing() {
        pingIntervalTimer.cancel();
        // The heartbeat is its own ping task: no closure per ping for an idle session to hold.
        pingIntervalTimer = session.scheduler().schedule(this, session.options().pingInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The ping interval passed: ping, and wait for the pong. */
    @Override
    public void run() {
        session.sendControl(EnginePacket.PING);
        resetPingTimeout();
    }

    private void resetPingTimeout() {
        pingTimeoutTimer.cancel();
        pingTimeoutTimer = session.scheduler().schedule(() -> {
            if (session.isReadingSuspended()) {
                // The pong may be waiting unread behind the paused input: ping again rather than
                // blame the client (the pings also keep the connection from looking idle).
                session.sendControl(EnginePacket.PING);
                resetPingTimeout();
            } else {
                session.fail("ping timeout", null);
            }
        }, session.options().pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
