package io.windsock.adapter;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Which sockets of a namespace a broadcast or a server-side operation selects, and how it is sent.
 * Immutable and made of plain values, so a cluster adapter can send it to other nodes as is.
 *
 * @param rooms       the sockets in any of these rooms; empty selects every socket of the namespace
 * @param except      minus the sockets in any of these rooms (a socket's own id is a room)
 * @param volatileFlag drop the packet for a client that cannot take it right now (see {@link LocalSocket#send})
 * @param compress    whether the packet may be compressed; {@code true} unless the application said otherwise.
 *                    Windsock's transports compress per connection (perMessageDeflate, httpCompression) and
 *                    ignore this flag; it is carried for adapters and future transports
 * @param local       only this node's sockets, even with a cluster adapter
 * @param timeout     how long a broadcast waits for acknowledgements, or {@code null} when it waits for none
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean volatileFlag, boolean compress,
                               boolean local, Duration timeout) {
    /** Every socket of the namespace, with the default flags. */
    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false, true, false, null);

    public BroadcastOptions {
        rooms = Set.copyOf(Objects.requireNonNull(rooms, "rooms"));
        except = Set.copyOf(Objects.requireNonNull(except, "except"));
    }

    /** @return options selecting the sockets in these rooms, with the default flags. */
    public static BroadcastOptions to(Set<String> rooms) {
        return new BroadcastOptions(rooms, Set.of(), false, true, false, null);
    }

    /**
     * @return whether a socket in {@code socketRooms} (its own id included) is selected: in one of
     *         {@link #rooms} (or rooms is empty) and in none of {@link #except}
     */
    public boolean selects(Set<String> socketRooms) {
        boolean included = rooms.isEmpty();
        for (String room : socketRooms) {
            if (except.contains(room)) {
                return false;
            }
            if (!included && rooms.contains(room)) {
                included = true;
            }
        }
        return included;
    }
}
