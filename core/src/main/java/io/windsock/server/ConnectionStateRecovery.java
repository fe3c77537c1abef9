package io.windsock.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection state recovery (socket.io 4.6+): a client that lost its connection involuntarily
 * (transport closed or failed, ping timeout, server shutting down) and reconnects within
 * {@code maxDisconnectionDuration} gets back its socket id, rooms and {@link Socket#data()}, and
 * every stored event it missed, in order; {@link Socket#recovered()} is then true.
 *
 * <p>How: the CONNECT reply carries a private session id ({@code pid}); every stored event carries
 * an offset as its last argument (the client sees it as an extra argument); the client reconnects
 * with {@code {pid, offset}}. Stored events are EVENT packets without an ack and not volatile, from
 * broadcasts and from {@link Socket#emit}. The in-memory adapter keeps them for
 * {@code maxDisconnectionDuration}, and serializes stored events of a namespace so that offsets and
 * delivery order agree.
 *
 * @param maxDisconnectionDuration how long a session and the events it may miss are kept (default 2 min)
 * @param skipMiddlewares          whether a recovered socket skips the namespace's middlewares (default true)
 */
public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
    public ConnectionStateRecovery {
        Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
        if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
            throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
        }
    }

    /** @return the defaults: 2 minutes, middlewares skipped. */
    public static ConnectionStateRecovery defaults() {
        return new ConnectionStateRecovery(Duration.ofMinutes(2), true);
    }
}
