package io.windsock.internal.server;

import io.windsock.adapter.PersistedSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a socket is, as connection state recovery sees it: its public id, its private session id, whether
 * it took over a persisted session, and its {@code data}. The id changes only while the socket connects
 * (adopted from a recovered session, or fresh again when the recovery fails), before it is registered
 * anywhere; volatile fields publish that change to the threads that read it later.
 */
final class SocketIdentity {
    private volatile String id;
    /** The private session id for connection state recovery, or null when the client cannot recover. */
    private volatile String pid;
    private volatile boolean recovered;
    private final Map<String, Object> data = new ConcurrentHashMap<>();

    /**
     * @param fixedId the id the client's protocol dictates (Socket.IO v4 derives it from the session), or
     *                null for a random one
     * @param recoverable whether recovery is on for the namespace and the client's protocol has it
     */
    SocketIdentity(String fixedId, boolean recoverable) {
        this.id = fixedId != null ? fixedId : Ids.newId();
        this.pid = recoverable ? Ids.newId() : null;
    }

    String id() {
        return id;
    }

    String pid() {
        return pid;
    }

    boolean recovered() {
        return recovered;
    }

    Map<String, Object> data() {
        return data;
    }

    /** @return whether this socket's client can recover a session. */
    boolean canRecover() {
        return pid != null;
    }

    /** Takes over a persisted session (before the socket is registered anywhere). */
    void adopt(PersistedSession session) {
        id = session.sid();
        pid = session.pid();
        data.putAll(session.data());
        recovered = true;
    }

    /** Gives up a recovery that could not complete: a fresh id and no data. */
    void forgetRecovery() {
        id = Ids.newId();
        pid = Ids.newId();
        data.clear();
        recovered = false;
    }

    /**
     * @return the session to persist for a later recovery when the socket leaves for a recoverable
     *         reason having been connected (or recovered), else null
     */
    PersistedSession toPersist(boolean recoverableReason, boolean wasConnected, Set<String> rooms) {
        if (pid == null || !recoverableReason || !(wasConnected || recovered)) {
            return null;
        }
        return new PersistedSession(id, pid, rooms, data);
    }
}
