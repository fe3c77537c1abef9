package io.windsock.redis.internal;

import io.windsock.adapter.BroadcastOptions;
import io.windsock.adapter.SocketDetails;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shapes of the Node adapter's messages (field names and order as {@code @socket.io/redis-adapter}
 * 8.3 writes them), built from and read into plain values. Stateless.
 */
public final class Messages {
    /** socket.io-parser's EVENT: the only packet type a broadcast carries. */
    public static final int EVENT = 2;

    private Messages() {
    }

    /** @return the packet a broadcast carries: {@code {type: 2, data: [event, ...args], nsp}} */
    public static Map<String, Object> packet(List<Object> data, String nsp) {
        Map<String, Object> packet = new LinkedHashMap<>();
        packet.put("type", EVENT);
        packet.put("data", data);
        packet.put("nsp", nsp);
        return packet;
    }

    /**
     * @param timeout the ack timeout of a broadcast with acks, else {@code null}
     * @return {@code {rooms, except, flags}}: the flags Node sets (volatile, compress when false, timeout in ms)
     */
    public static Map<String, Object> options(BroadcastOptions options, Duration timeout) {
        Map<String, Object> flags = new LinkedHashMap<>();
        if (options.volatileFlag()) {
            flags.put("volatile", true);
        }
        if (!options.compress()) {
            flags.put("compress", false);
        }
        if (timeout != null) {
            flags.put("timeout", timeout.toMillis());
        }
        Map<String, Object> raw = selection(options);
        raw.put("flags", flags);
        return raw;
    }

    /** @return {@code {rooms, except}}, what the server-side requests carry */
    public static Map<String, Object> selection(BroadcastOptions options) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("rooms", List.copyOf(options.rooms()));
        raw.put("except", List.copyOf(options.except()));
        return raw;
    }

    /**
     * Reads {@code {rooms, except, flags}} as another node sent it. Rooms may be numbers in Node: they
     * become their decimal text. Missing parts select everything with the default flags.
     *
     * @throws IllegalArgumentException when the rooms select no socket (see {@link #selectedRooms})
     */
    public static BroadcastOptions readOptions(Object raw) {
        Map<String, Object> map = map(raw);
        Map<String, Object> flags = map(map.get("flags"));
        boolean volatileFlag = Boolean.TRUE.equals(flags.get("volatile"));
        boolean compress = !Boolean.FALSE.equals(flags.get("compress"));
        Duration timeout = flags.get("timeout") instanceof Number n ? ackTimeout(n) : null;
        return new BroadcastOptions(selectedRooms(map.get("rooms")), rooms(map.get("except")), volatileFlag, compress,
                true, timeout);
    }

    /**
     * @return the rooms that select sockets in a message from another node: none (every socket) when absent
     * @throws IllegalArgumentException when they are not a list, or a list without a room name ({@code [null]},
     *         {@code [true]}): Node's adapter selects no socket with those (its rooms are a Set of the values,
     *         and a value that is not iterable fails), while "no rooms" would select every one
     */
    static Set<String> selectedRooms(Object raw) {
        if (raw == null) {
            return Set.of();
        }
        if (!(raw instanceof Collection<?> list)) {
            throw new IllegalArgumentException("a message whose rooms are not a list, dropped");
        }
        Set<String> rooms = rooms(list);
        if (rooms.isEmpty() && !list.isEmpty()) {
            throw new IllegalArgumentException("a message whose rooms name no room, dropped");
        }
        return rooms;
    }

    /**
     * @return the options of a message that selects sockets, as they came (a map)
     * @throws IllegalArgumentException when they are missing or not a map: Node's adapter fails on such a
     *         message, and reading it as "every socket" would act on all of them
     */
    static Map<String, Object> requireOptions(Object raw, Object messageType) {
        if (!(raw instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a " + messageType + " message without options, dropped");
        }
        return map(raw);
    }

    /**
     * The longest ack timeout taken from another node's broadcast: this node keeps an entry per
     * recipient socket that long, and whoever publishes sets the value (a day, or 1e16 ms, which does not
     * even fit a Duration's nanoseconds).
     */
    static final Duration MAX_ACK_TIMEOUT = Duration.ofHours(1);

    private static Duration ackTimeout(Number millis) {
        double value = millis.doubleValue();
        if (!(value > 0)) {
            return Duration.ZERO; // negative or NaN
        }
        return value >= MAX_ACK_TIMEOUT.toMillis() ? MAX_ACK_TIMEOUT : Duration.ofMillis(millis.longValue());
    }

    /** @return the rooms of a list (strings, or numbers as Node allows), empty when absent */
    public static Set<String> rooms(Object raw) {
        if (!(raw instanceof Collection<?> list)) {
            return Set.of();
        }
        Set<String> rooms = new LinkedHashSet<>();
        for (Object room : list) {
            String name = roomName(room);
            if (name != null) {
                rooms.add(name);
            }
        }
        return rooms;
    }

    /** @return a room's name: a string as is, a whole number without its fraction, else null */
    public static String roomName(Object room) {
        if (room instanceof String s) {
            return s;
        }
        if (room instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(n.longValue()) : n.toString();
        }
        return null;
    }

    /** @return the value as a map, or an empty map when it is something else */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** @return the value as a list, or an empty list when it is something else */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** @return a mutable copy of a list (the Node adapter's data arrays) */
    public static List<Object> copy(Object value) {
        return new ArrayList<>(list(value));
    }

    /** @return a new ordered map of alternating keys and values */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** @return a socket as a FETCH_SOCKETS response carries it: {@code {id, handshake, rooms, data}} */
    public static Map<String, Object> writeSocket(SocketDetails details) {
        return object("id", details.id(),
                "handshake", details.handshake() == null ? Map.of() : HandshakeCodec.write(details.handshake()),
                "rooms", List.copyOf(details.rooms()), "data", details.data());
    }

    /**
     * @return the local sockets followed by those of every remote answer to a fetchSockets request,
     *         read from each answer's {@code sockets} list (entries that are not sockets are skipped)
     */
    public static List<SocketDetails> withRemoteSockets(List<SocketDetails> local, List<Object> socketLists) {
        List<SocketDetails> all = new ArrayList<>(local);
        for (Object sockets : socketLists) {
            for (Object raw : list(sockets)) {
                SocketDetails details = readSocket(raw);
                if (details != null) {
                    all.add(details);
                }
            }
        }
        return all;
    }

    /** @return a socket from a FETCH_SOCKETS response, or null when it has no id */
    public static SocketDetails readSocket(Object raw) {
        Map<String, Object> socket = map(raw);
        if (!(socket.get("id") instanceof String id)) {
            return null;
        }
        return new SocketDetails(id, HandshakeCodec.read(socket.get("handshake")), rooms(socket.get("rooms")),
                map(socket.get("data")));
    }
}
