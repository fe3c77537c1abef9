package io.windsock.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.windsock.internal.protocol.NonFiniteList;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire reader marks an array that holds a number beyond a double's range at any depth, and only
 * such an array, so strict conversion need not walk every event's values to find one.
 */
class NonFiniteFlagTest {
    private final JacksonJsonCodec codec = new JacksonJsonCodec();

    @Test
    void anInfinityAtAnyDepthMarksTheArray() throws IOException {
        Object read = codec.read("[1, {\"a\": [2, {\"b\": -1e400}]}]");
        assertInstanceOf(NonFiniteList.class, read);
        assertEquals(Double.NEGATIVE_INFINITY,
                ((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) read).get(1)).get("a")).get(1)).get("b"),
                "still read as JSON.parse reads it");
    }

    @Test
    void finiteNumbersAndTextDoNotMark() throws IOException {
        Object read = codec.read("[1e300, -2.5, 12345678901234567890, \"1e400\", {\"1e400\": 0.1}]");
        assertFalse(read instanceof NonFiniteList, "marked without an infinity");
        assertInstanceOf(List.class, read);
    }

    @Test
    void aLongDocumentIsCheckedToo() throws IOException {
        // Past 32K characters Jackson reads a string through a Reader, not its characters: the other parser.
        String filler = "\"" + "x".repeat(40_000) + "\"";
        assertInstanceOf(NonFiniteList.class, codec.read("[" + filler + ", [1e400]]"));
        assertFalse(codec.read("[" + filler + ", [1e40]]") instanceof NonFiniteList);
    }

    @Test
    void trailingContentIsStillRefused() {
        assertThrows(IOException.class, () -> codec.read("[1] 2"));
        assertThrows(IOException.class, () -> codec.read("[1e400] [2]"));
    }
}
