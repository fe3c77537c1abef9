package io.windsock.connection;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Argument lists for the two cases plain Java values cannot express.
 *
 * <ul>
 * <li>{@link #named} builds the one JSON object of TornadIO2's keyword form:
 *     {@code emit("thanks", Args.named("name", name))} sends {@code ["thanks", {"name": "Joes"}]},
 *     which a Windsock or TornadIO2-style handler {@code thanks(String name)} unpacks by name.</li>
 * <li>{@link #of} is a handler's return value that acknowledges with several arguments:
 *     {@code return Args.of("ok", 42);} calls the client's callback as {@code (ok, 42)}. Any other
 *     return value, a {@code List} or an array included, is one argument.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Serialized on its own (not as a return value), an {@code Args} is a
 * JSON array of its values.
 */
public final class Args {
    private static final Args NONE = new Args(List.of());

    private final List<Object> values;

    private Args(List<Object> values) {
        this.values = values;
    }

    /** @return several positional values ({@code null} allowed); no values is an empty acknowledgement. */
    public static Args of(Object... values) {
        if (values.length == 0) {
            return NONE;
        }
        // Arrays.asList keeps nulls, which List.of would refuse; the copy detaches it from the caller's array.
        return new Args(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values))));
    }

    /**
     * @param namesAndValues alternating names (strings) and values: {@code "name", name, "age", 42}
     * @return an ordered, unmodifiable map, sent as one JSON object
     * @throws IllegalArgumentException for an odd count, a name that is not a string, or a repeated name
     */
    public static Map<String, Object> named(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("named(...) takes name/value pairs; got "
                    + namesAndValues.length + " items");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new IllegalArgumentException("named(...): item " + i + " must be a name (a String), not "
                        + namesAndValues[i]);
            }
            if (map.containsKey(name)) {
                throw new IllegalArgumentException("named(...): '" + name + "' appears twice");
            }
            map.put(name, namesAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** @return the values, in order; unmodifiable. */
    @JsonValue
    public List<Object> values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Args other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return "Args" + values;
    }
}
