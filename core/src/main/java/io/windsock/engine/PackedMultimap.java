package io.windsock.engine;

import io.windsock.internal.collect.CompactMultimap;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of names to lists of values packed into one string, for the handshake's headers
 * and query that every session keeps and few applications read: one {@code String} per map instead
 * of a string, a list and an entry per name and value. Lookups scan; lists are made on access.
 *
 * <p>Layout: per name, {@code <length>:<name><count>:} then per value {@code <length>:<value>}
 * (decimal lengths in chars), so any character may appear in a name or value.
 */
final class PackedMultimap extends AbstractMap<String, List<String>> {
    private static final PackedMultimap EMPTY = new PackedMultimap("", 0);
    private final String packed;
    private final int size;

    private PackedMultimap(String packed, int size) {
        this.packed = packed;
        this.size = size;
    }

    /**
     * @return an immutable copy of the map (itself when already packed, or already compact: a query
     *         decoded from the URI kept beside it); nulls are refused.
     */
    static Map<String, List<String>> copyOf(Map<String, List<String>> map) {
        if (map instanceof PackedMultimap || map instanceof CompactMultimap) {
            return map;
        }
        if (map.isEmpty()) {
            return EMPTY;
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> entry : map.entrySet()) {
            String name = Objects.requireNonNull(entry.getKey(), "name");
            List<String> values = Objects.requireNonNull(entry.getValue(), "values");
            out.append(name.length()).append(':').append(name).append(values.size()).append(':');
            for (String value : values) {
                out.append(Objects.requireNonNull(value, "value").length()).append(':').append(value);
            }
        }
        return new PackedMultimap(out.toString(), map.size());
    }

    @Override
    public List<String> get(Object key) {
        Objects.requireNonNull(key);
        if (!(key instanceof String name)) {
            return null;
        }
        Cursor cursor = new Cursor();
        while (cursor.pos < packed.length()) {
            int nameStart = cursor.lengthPrefixed();
            int nameLength = cursor.last;
            int count = cursor.number();
            boolean match = nameLength == name.length() && packed.regionMatches(nameStart, name, 0, nameLength);
            if (match) {
                return cursor.values(count);
            }
            for (int i = 0; i < count; i++) {
                cursor.lengthPrefixed();
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                Cursor cursor = new Cursor();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return cursor.pos < packed.length();
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        int nameStart = cursor.lengthPrefixed();
                        String name = packed.substring(nameStart, nameStart + cursor.last);
                        return new SimpleImmutableEntry<>(name, cursor.values(cursor.number()));
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Reads the packed form from {@code pos}. */
    private final class Cursor {
        int pos;
        /** The length read by the last {@link #lengthPrefixed()}. */
        int last;

        /** @return a decimal number ending in ':', skipped */
        int number() {
            int n = 0;
            char c;
            while ((c = packed.charAt(pos++)) != ':') {
                n = n * 10 + (c - '0');
            }
            return n;
        }

        /** @return the start of a length-prefixed field, skipped; its length in {@link #last} */
        int lengthPrefixed() {
            last = number();
            int start = pos;
            pos += last;
            return start;
        }

        List<String> values(int count) {
            if (count == 1) {
                int start = lengthPrefixed();
                return List.of(packed.substring(start, start + last));
            }
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int start = lengthPrefixed();
                values.add(packed.substring(start, start + last));
            }
            return List.copyOf(values);
        }
    }
}
