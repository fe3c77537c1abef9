package io.windsock.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsTest {
    @Test
    void namedKeepsOrderAndNullsAndSerializesAsOneObject() throws Exception {
        Map<String, Object> named = Args.named("name", "Joes", "age", 42, "note", null);
        assertEquals(List.of("name", "age", "note"), List.copyOf(named.keySet()));
        assertEquals("{\"name\":\"Joes\",\"age\":42,\"note\":null}", new ObjectMapper().writeValueAsString(named));
        assertEquals(Map.of(), Args.named());
    }

    @Test
    void namedRejectsMalformedPairs() {
        assertThrows(IllegalArgumentException.class, () -> Args.named("name"));
        assertThrows(IllegalArgumentException.class, () -> Args.named(1, "x"));
        assertThrows(IllegalArgumentException.class, () -> Args.named("a", 1, "a", 2));
        assertThrows(UnsupportedOperationException.class, () -> Args.named("a", 1).put("b", 2));
    }

    @Test
    void ofKeepsValuesNullsIncludedAndIsDetachedFromTheArray() throws Exception {
        Object[] values = {"a", null, 3};
        Args args = Args.of(values);
        values[0] = "changed";
        assertEquals(Arrays.asList("a", null, 3), args.values());
        assertEquals(List.of(), Args.of().values());
        assertEquals(Args.of("a", null, 3), args);
        assertEquals("[\"a\",null,3]", new ObjectMapper().writeValueAsString(args));
    }
}
