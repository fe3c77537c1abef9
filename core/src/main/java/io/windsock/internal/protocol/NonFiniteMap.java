package io.windsock.internal.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoded JSON object that holds, at some depth, a number beyond the range of a double: the
 * {@link NonFiniteList} mark for a document whose top level is an object (a protocol 1 event, whose
 * arguments are inside one). Keys keep their document order.
 */
public final class NonFiniteMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public NonFiniteMap(Map<String, ?> entries) {
        super(entries);
    }
}
