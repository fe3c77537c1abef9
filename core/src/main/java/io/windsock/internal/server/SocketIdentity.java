package io.windsock.internal.server;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.PersistedSession;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a socket is, as connection state recovery sees it: its public id, its private session id, whether
 * it took over a persisted session, its {@code data}, and the rooms its close keeps for the session. The
 * id changes only while the socket connects (adopted from a recovered session, or fresh again when the
 * recovery fails), before it is registered anywhere; volatile fields publish that change to the threads
 * that read it later.
 *
 * <p>Rooms: joins and leaves go to the namespace's adapter under this object's monitor, as does the
 * close's snapshot of them, so each one happens wholly before that snapshot or wholly after it. Kept
 * here, not in an object of their own: every socket has these fields.
 */
final class SocketIdentity {
    private volatile String id;
    /** The private session id for connection state recovery, or null when the client cannot recover. */
    private volatile String pid;
    private volatile boolean recovered;
    /** Made on first use: most sockets never have data, and an idle socket's bytes add up. */
    private volatile Map<String, Object> data;

    // Guarded by this.
    /** Set by the close: from then on rooms are no longer joined or left in the adapter. */
    private boolean roomsClosed;
    /**
     * While the socket closes with a session to persist: its rooms, as the close found them in the
     * adapter, changed by the joins and leaves made until the session is built (by handlers of events
     * that arrived before the close, and by its disconnect listeners). Null otherwise.
     */
    private Set<String> roomsToPersist;
    /**
     * While the disconnecting listeners run: the rooms the socket was in as it left (Node's
     * {@code socket.rooms} in a {@code disconnecting} listener). Null otherwise; taken only when such a
     * listener was added.
     */
    private Set<String> roomsAtLeave;

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

    // ---- rooms ----

    synchronized void join(Adapter adapter, Set<String> joined) {
        if (roomsClosed) {
            if (roomsToPersist != null) {
                roomsToPersist.addAll(joined);
            }
            return;
        }
        adapter.addAll(id, joined);
    }

    synchronized void leave(Adapter adapter, String room) {
        if (roomsClosed) {
            if (roomsToPersist != null) {
                roomsToPersist.remove(room);
            }
            return;
        }
        adapter.del(id, room);
    }

    /** @return the rooms: while the socket closes, those it left (disconnecting) or its session will have. */
    Set<String> rooms(Adapter adapter) {
        synchronized (this) {
            if (roomsAtLeave != null) {
                return roomsAtLeave;
            }
            if (roomsToPersist != null) {
                return Set.copyOf(roomsToPersist);
            }
        }
        return adapter.socketRooms(id);
    }

    /**
     * The close: no room keeps the socket any more; when a session is to be persisted its rooms are
     * recorded for it, and for the disconnecting listeners, if any, the rooms it leaves. Any thread.
     */
    synchronized void closeRooms(Adapter adapter, String leavingId, boolean persist, boolean forDisconnecting) {
        roomsClosed = true;
        if (persist) {
            roomsToPersist = new HashSet<>(adapter.socketRooms(leavingId));
        }
        if (forDisconnecting) {
            roomsAtLeave = Set.copyOf(adapter.socketRooms(leavingId));
        }
        adapter.delAll(leavingId);
    }

    /** The disconnecting listeners have run: the rooms left are no longer reported. */
    synchronized void endDisconnecting() {
        roomsAtLeave = null;
    }

    /** @return the rooms recorded for the session, which the socket no longer reports as its own. */
    synchronized Set<String> takeRoomsToPersist() {
        Set<String> rooms = roomsToPersist;
        roomsToPersist = null;
        return rooms == null ? Set.of() : rooms;
    }
}
