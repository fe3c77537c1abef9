package io.windsock.internal.server;

import io.windsock.server.EventListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A socket's event listeners by event name, immutable: a registration makes a new table. While the
 * events are few, a flat array of names and entries scanned per event (smaller than a map, and no
 * slower at that size); beyond, a map. An event's entry is its one listener or an immutable list of
 * its listeners in registration order: most sockets register one listener per event, and a list per
 * event would cost more than the listener.
 */
final class EventListenerTable {
    static final EventListenerTable EMPTY = new EventListenerTable(new Object[0]);
    /** Up to this many events, the scanned array. */
    private static final int MAX_SCANNED = 8;

    /** {@code Object[] {name, entry, name, entry, ...}}, or a {@code Map<String, Object>} of name to entry. */
    private final Object table;

    private EventListenerTable(Object table) {
        this.table = table;
    }

    /** @return the event's one listener, an immutable non-empty list of its listeners, or null */
    Object entry(String event) {
        if (table instanceof Object[] pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i].equals(event)) {
                    return pairs[i + 1];
                }
            }
            return null;
        }
        return asMap(table).get(event);
    }

    /** @return an entry's listeners as a list (registration paths; dispatch reads the entry itself) */
    @SuppressWarnings("unchecked")
    static List<EventListener> listeners(Object entry) {
        if (entry == null) {
            return List.of();
        }
        return entry instanceof EventListener one ? List.of(one) : (List<EventListener>) entry;
    }

    /** @return this table with {@code listener} added after the event's others (EventEmitter's {@code on}) */
    EventListenerTable with(String event, EventListener listener) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(listener, "listener");
        Map<String, Object> entries = toMap();
        Object current = entries.get(event);
        if (current == null) {
            entries.put(event, listener);
        } else {
            List<EventListener> more = new ArrayList<>(listeners(current));
            more.add(listener);
            entries.put(event, List.copyOf(more));
        }
        return of(entries);
    }

    /** @return this table without the event */
    EventListenerTable without(String event) {
        if (entry(event) == null) {
            return this;
        }
        Map<String, Object> entries = toMap();
        entries.remove(event);
        return of(entries);
    }

    /** @return this table without the earliest registration of {@code listener} for the event */
    EventListenerTable without(String event, EventListener listener) {
        List<EventListener> own = listeners(entry(event));
        if (!own.contains(listener)) {
            return this;
        }
        List<EventListener> rest = new ArrayList<>(own);
        rest.remove(listener);
        Map<String, Object> entries = toMap();
        if (rest.isEmpty()) {
            entries.remove(event);
        } else {
            entries.put(event, rest.size() == 1 ? rest.get(0) : List.copyOf(rest));
        }
        return of(entries);
    }

    private Map<String, Object> toMap() {
        Map<String, Object> entries = new LinkedHashMap<>();
        if (table instanceof Object[] pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                entries.put((String) pairs[i], pairs[i + 1]);
            }
        } else {
            entries.putAll(asMap(table));
        }
        return entries;
    }

    private static EventListenerTable of(Map<String, Object> entries) {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        if (entries.size() > MAX_SCANNED) {
            return new EventListenerTable(Map.copyOf(entries));
        }
        Object[] pairs = new Object[entries.size() * 2];
        int i = 0;
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            pairs[i++] = entry.getKey();
            pairs[i++] = entry.getValue();
        }
        return new EventListenerTable(pairs);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object table) {
        return (Map<String, Object>) table;
    }
}
