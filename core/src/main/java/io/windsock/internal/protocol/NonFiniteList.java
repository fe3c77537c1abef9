package io.windsock.internal.protocol;

import java.util.ArrayList;
import java.util.Collection;

/**
 * A decoded JSON array that holds, at some depth, a number beyond the range of a double (1e400 read
 * as Infinity). The wire reader marks the top-level array so; an event's arguments copied from such
 * an array are marked too, so strict conversion looks for the number only in the rare events that
 * hold one instead of walking every argument of every event.
 */
public final class NonFiniteList extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    public NonFiniteList(Collection<?> items) {
        super(items);
    }

    /** @return whether the wire reader marked this decoded value (a {@code NonFiniteList} or {@link NonFiniteMap}) */
    public static boolean marked(Object decoded) {
        return decoded instanceof NonFiniteList || decoded instanceof NonFiniteMap;
    }
}
