package io.windsock.adapter;

import io.windsock.server.Handshake;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one socket, as {@code fetchSockets} returns it (possibly from another node).
 *
 * @param id        the socket's id
 * @param handshake what it sent when it connected
 * @param rooms     the rooms it was in, its own id included
 * @param data      a copy of its per-connection data, in its order; values may be {@code null} (as
 *                  another node may send them)
 */
public record SocketDetails(String id, Handshake handshake, Set<String> rooms, Map<String, Object> data) {
    public SocketDetails {
        Objects.requireNonNull(id, "id");
        rooms = Set.copyOf(rooms);
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
