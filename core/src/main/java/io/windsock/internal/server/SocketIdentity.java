package io.windsock.internal.server;

import io.windsock.adapter.PersistedSession;
import java.util.Map;
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
    /** Made on first use: most sockets never have data, and an idle socket's bytes add up. */
    private volatile Map<String, Object> data;

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

    /** @return the socket's data, a live thread-safe map. */
    Map<String, Object> data() {
        Map<String, Object> map = data;
        if (map == null) {
            synchronized (this) {
                map = data;
                if (map == null) {
                    map = new ConcurrentHashMap<>();
                    data = map;
                }
            }
        }
        return map;
    }

    /** @return a copy of the socket's data, without making its map. */
    Map<String, Object> dataCopy() {
        Map<String, Object> map = data;
        return map == null ? Map.of() : Map.copyOf(map);
    }

    /** @return whether this socket's client can recover a session. */
    boolean canRecover() {
        return pid != null;
    }

    /** Takes over a persisted session (before the socket is registered anywhere). */
    void adopt(PersistedSession session) {
        id = session.sid();
        pid = session.pid();
        data().putAll(session.data());
        recovered = true;
    }

    /** Gives up a recovery that could not complete: a fresh id and no data. */
    void forgetRecovery() {
        id = Ids.newId();
        pid = Ids.newId();
        Map<String, Object> map = data;
        if (map != null) {
            map.clear();
        }
        recovered = false;
    }

    /**
     * @return whether the socket persists a session for a later recovery when it leaves: for a
     *         recoverable reason, having been connected (or recovered)
     */
    boolean persists(boolean recoverableReason, boolean wasConnected) {
        return pid != null && recoverableReason && (wasConnected || recovered);
    }
}
