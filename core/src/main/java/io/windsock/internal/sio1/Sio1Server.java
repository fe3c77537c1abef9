package io.windsock.internal.sio1;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.internal.engine.SessionLimit;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** The protocol-1 session table: opens sessions at handshake and finds them by id. Thread-safe. */
public final class Sio1Server {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The layer above: gives each new session its handler and decides its handshake. */
    public interface Acceptor {
        /**
         * A handshake opened {@code session}. Called on its scheduler thread; must call
         * {@link Sio1Session#start} there before returning, and complete {@code verdict} (any
         * thread, later is fine): normally to answer the handshake, exceptionally to refuse it (401).
         */
        void onHandshake(Sio1Session session, CompletableFuture<Void> verdict);
    }

    private final Sio1Settings settings;
    private final Acceptor acceptor;
    private final SessionLimit limit;
    private final Map<String, Sio1Session> sessions = new ConcurrentHashMap<>();

    /** A table without a cap on its sessions. */
    public Sio1Server(Sio1Settings settings, Acceptor acceptor) {
        this(settings, acceptor, SessionLimit.unlimited());
    }

    /** @param limit the cap on sessions at once, shared with Engine.IO's */
    public Sio1Server(Sio1Settings settings, Acceptor acceptor, SessionLimit limit) {
        this.settings = settings;
        this.acceptor = acceptor;
        this.limit = limit;
    }

    public Sio1Settings settings() {
        return settings;
    }

    /**
     * Opens a session for a handshake. Call on {@code scheduler}'s thread.
     *
     * @return completes with the session when the layer above accepts it; exceptionally when it
     *         refuses (the session is gone then); null when {@code maxSessions} sessions exist
     *         (closed ones still findable included), and nothing was opened
     */
    public CompletableFuture<Sio1Session> open(EngineRequest request, EngineScheduler scheduler) {
        if (!limit.tryAcquire()) {
            return null;
        }
        Sio1Session session;
        String id;
        do {
            id = newId();
            String sid = id;
            session = new Sio1Session(id, request, scheduler, settings, () -> {
                if (sessions.remove(sid) != null) {
                    limit.release();
                }
            });
        } while (sessions.putIfAbsent(id, session) != null);
        Sio1Session opened = session;
        CompletableFuture<Void> verdict = new CompletableFuture<>();
        acceptor.onHandshake(session, verdict);
        return verdict.handle((ok, refused) -> {
            if (refused != null) {
                opened.close("refused");
                if (sessions.remove(opened.id(), opened)) {
                    limit.release();
                }
                throw new java.util.concurrent.CompletionException(refused);
            }
            return opened;
        });
    }

    /** @return the session with this id (open, or closed and still holding its last packets), or null. */
    public Sio1Session session(String id) {
        return id == null ? null : sessions.get(id);
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Collection<Sio1Session> sessions() {
        return new ArrayList<>(sessions.values());
    }

    /**
     * Closes, as failures of their transport, the sessions whose scheduler is one of {@code threads}.
     *
     * @return how many were closed
     */
    public int closeSessionsOn(Predicate<EngineScheduler> threads) {
        int closed = 0;
        for (Sio1Session session : sessions()) {
            if (threads.test(session.scheduler())) {
                session.closeAsTransportError();
                closed++;
            }
        }
        return closed;
    }

    /** Closes every session (the server stops). */
    public void shutdown() {
        for (Sio1Session session : sessions()) {
            session.close("server shutting down");
        }
    }

    /** 16 random bytes as 32 hex digits, TornadIO2's id shape (no ':' for the handshake's split). */
    static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
