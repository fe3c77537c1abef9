package io.windsock.adapter;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What connection state recovery keeps of a socket that left involuntarily: enough to give a
 * reconnecting client back its id, rooms and data. Plain values, so a cluster adapter can store it
 * anywhere.
 *
 * @param sid   the socket's public id
 * @param pid   the private session id the client got in its CONNECT reply and sends back to recover
 * @param rooms the rooms the socket was in, its own id included
 * @param data  a copy of its per-connection data
 */
public record PersistedSession(String sid, String pid, Set<String> rooms, Map<String, Object> data) {
    public PersistedSession {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(pid, "pid");
        rooms = Set.copyOf(rooms);
        data = Map.copyOf(data);
    }
}
