package io.windsock.internal.engine;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.codec.EngineCodec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The session table of an Engine.IO server: opens sessions at handshake, finds them by id, and
 * closes them all at shutdown. Knows nothing of HTTP; the network layer calls it. Thread-safe.
 */
public final class EngineServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineOptions options;
    private final Consumer<EngineSession> onConnection;
    private final SessionLimit limit;
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    /** What every session calls when it leaves the table (one object, not a closure per session). */
    private final Consumer<String> removeSession = this::removeSession;

    /** A table without a cap on its sessions. */
    public EngineServer(EngineOptions options, Consumer<EngineSession> onConnection) {
        this(options, onConnection, SessionLimit.unlimited());
    }

    /**
     * @param onConnection called on the new session's scheduler thread right after the handshake,
     *                     before any client message; it sets the session's handler
     * @param limit        the cap on sessions at once, shared with the other protocol generations
     */
    public EngineServer(EngineOptions options, Consumer<EngineSession> onConnection, SessionLimit limit) {
        this.options = Objects.requireNonNull(options, "options");
        this.onConnection = Objects.requireNonNull(onConnection, "onConnection");
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /**
     * Takes a place for a handshake under the cap; {@link #open} then uses it, or the caller gives it
     * back with {@link #releasePlace} if the handshake fails before the session opens.
     *
     * @return false at the cap: refuse the handshake
     */
    public boolean reservePlace() {
        return limit.tryAcquire();
    }

    /** Gives back a place from {@link #reservePlace} whose session never opened. */
    public void releasePlace() {
        limit.release();
    }

    public EngineOptions options() {
        return options;
    }

    /**
     * Opens a session on its first transport and sends the OPEN packet, in the place the handshake took
     * with {@link #reservePlace} (given back when the session leaves the table). Call on
     * {@code scheduler}'s thread.
     */
    public EngineSession open(EngineRequest request, EngineCodec codec, EngineTransport transport,
                              EngineScheduler scheduler) {
        String id;
        EngineSession session;
        do {
            id = newId();
            session = new EngineSession(id, codec, options, scheduler, request, transport, removeSession);
        } while (sessions.putIfAbsent(id, session) != null);
        session.open();
        onConnection.accept(session);
        return session;
    }

    /** A session leaves the table and gives back its place. */
    private void removeSession(String id) {
        if (sessions.remove(id) != null) {
            limit.release();
        }
    }

    /** @return the open (or closing) session with this id, or {@code null}. */
    public EngineSession session(String id) {
        return id == null ? null : sessions.get(id);
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Collection<EngineSession> sessions() {
        return new ArrayList<>(sessions.values());
    }

    /** Closes every session with "server shutting down". */
    public void shutdown() {
        for (EngineSession session : sessions()) {
            session.shutdown();
        }
    }

    /** 15 random bytes as 20 URL-safe base64 characters, like the Node server's ids. */
    static String newId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
