package io.windsock.server;

import io.windsock.internal.options.Durations;
import java.time.Duration;

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
 * <p>Bounds (per namespace, on each server): what recovery keeps is capped by count as well as by
 * time, so that a high event rate or clients that drop in a loop cannot fill the heap. At a bound the
 * oldest goes first, as if its window had passed: a client whose session or offset was dropped
 * reconnects as a new socket ({@link Socket#recovered()} false), as after the window. Each drop is
 * logged at WARN (at most 10 lines a minute per kind). The missed events one client gets back are
 * bounded too, by half of {@code EngineOptions.maxPendingOutboundBytes} once encoded (8 MB by
 * default; Node has no bound): past it the recovery is given up and the client connects afresh, as
 * a backlog it could not take at once would only drop it again, and again on every try.
 *
 * @param maxDisconnectionDuration how long a session and the events it may miss are kept (default 2 min;
 *                                 at least 1 ms)
 * @param skipMiddlewares          whether a recovered socket skips the namespace's middlewares (default true)
 * @param maxPersistedSessions     sessions kept for recovery at once, with a connection class's instance
 *                                 each (default 100,000)
 * @param maxStoredEvents          stored events kept at once (default 100,000: at 1,000 stored events a
 *                                 second, the whole default window)
 */
public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares,
                                      int maxPersistedSessions, int maxStoredEvents) {
    /** The default of {@link #maxPersistedSessions()}. */
    public static final int DEFAULT_MAX_PERSISTED_SESSIONS = 100_000;
    /** The default of {@link #maxStoredEvents()}. */
    public static final int DEFAULT_MAX_STORED_EVENTS = 100_000;

    public ConnectionStateRecovery {
        Durations.atLeastOneMilli(maxDisconnectionDuration, "maxDisconnectionDuration");
        if (maxPersistedSessions < 1 || maxStoredEvents < 1) {
            throw new IllegalArgumentException("maxPersistedSessions and maxStoredEvents must be positive");
        }
    }

    /** With the default bounds. */
    public ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
        this(maxDisconnectionDuration, skipMiddlewares, DEFAULT_MAX_PERSISTED_SESSIONS, DEFAULT_MAX_STORED_EVENTS);
    }

    /** @return the defaults: 2 minutes, middlewares skipped, 100,000 sessions and 100,000 events. */
    public static ConnectionStateRecovery defaults() {
        return new ConnectionStateRecovery(Duration.ofMinutes(2), true);
    }

    /** @return this with another {@link #maxPersistedSessions()} */
    public ConnectionStateRecovery withMaxPersistedSessions(int sessions) {
        return new ConnectionStateRecovery(maxDisconnectionDuration, skipMiddlewares, sessions, maxStoredEvents);
    }

    /** @return this with another {@link #maxStoredEvents()} */
    public ConnectionStateRecovery withMaxStoredEvents(int events) {
        return new ConnectionStateRecovery(maxDisconnectionDuration, skipMiddlewares, maxPersistedSessions, events);
    }
}
