package io.windsock.internal.protocol;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * An estimate of the heap that decoded packet arguments hold, so that what a client can make the server
 * hold is bounded in memory and not only in wire bytes: decoded, {@code [{},{},...]} takes about 20
 * times its wire size (an empty map per three bytes).
 *
 * <p>The figures are those of a 64-bit JVM with compressed references, for the types the wire reader
 * makes (LinkedHashMap, ArrayList, String, boxed numbers, byte[] attachments); other types count as a
 * small object. They err on the high side for small containers, never by more than a few words each.
 * The walk is iterative (the reader allows thousands of nesting levels), holds one iterator per level,
 * and stops once the estimate reaches {@code cap}: the caller needs only to know that a packet is that
 * large.
 */
public final class DecodedSize {
    /** An object's header and a word or two of fields: a boxed number, an unknown type. */
    static final long SMALL_OBJECT = 16;
    /** LinkedHashMap (56 B) and its table (80 B at the default capacity of 16), allocated on the first entry. */
    static final long MAP = 56;
    static final long MAP_TABLE = 80;
    /** LinkedHashMap.Entry, plus its slot in a table sized at most twice the entries. */
    static final long MAP_ENTRY = 48;
    /** ArrayList (24 B) and its array's header (16 B); each element adds a reference (4 B). */
    static final long LIST = 40;
    static final long REFERENCE = 4;
    /** A String (24 B) and its byte array's header (16 B); Latin-1 text adds a byte per character. */
    static final long STRING = 40;
    static final long ARRAY = 16;

    private DecodedSize() {
    }

    /**
     * @param values the decoded values (a packet's arguments)
     * @param cap    the estimate at which to stop walking
     * @return the estimated bytes the values hold, or {@code cap} if that is less
     */
    public static long of(Collection<?> values, long cap) {
        long size = LIST + REFERENCE * values.size();
        Iterator<?> current = values.iterator();
        // The containers being walked, outer ones first: memory in the depth, not in the number of
        // values, and none for the usual flat arguments.
        ArrayDeque<Iterator<?>> outer = null;
        while (size < cap) {
            if (!current.hasNext()) {
                if (outer == null || outer.isEmpty()) {
                    break;
                }
                current = outer.pop();
                continue;
            }
            Object value = current.next();
            Iterator<?> inner = null;
            if (value instanceof String s) {
                size += STRING + s.length();
            } else if (value instanceof Map<?, ?> map) {
                size += MAP;
                if (!map.isEmpty()) {
                    size += MAP_TABLE + MAP_ENTRY * map.size();
                    inner = entries(map);
                }
            } else if (value instanceof Collection<?> list) {
                size += LIST + REFERENCE * list.size();
                inner = list.iterator();
            } else if (value instanceof byte[] bytes) {
                size += ARRAY + bytes.length;
            } else if (value != null && !(value instanceof Boolean)) { // null and Boolean's two are shared
                size += SMALL_OBJECT;
            }
            if (inner != null) {
                if (outer == null) {
                    outer = new ArrayDeque<>();
                }
                outer.push(current);
                current = inner;
            }
        }
        return Math.min(size, cap);
    }

    /** @return a map's keys and values, alternately */
    private static Iterator<Object> entries(Map<?, ?> map) {
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        return new Iterator<>() {
            private Object value;
            private boolean valueNext;

            @Override
            public boolean hasNext() {
                return valueNext || entries.hasNext();
            }

            @Override
            public Object next() {
                if (valueNext) {
                    valueNext = false;
                    return value;
                }
                Map.Entry<?, ?> entry = entries.next();
                value = entry.getValue();
                valueNext = true;
                return entry.getKey();
            }
        };
    }
}
