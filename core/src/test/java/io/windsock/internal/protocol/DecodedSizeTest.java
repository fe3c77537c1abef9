package io.windsock.internal.protocol;

import static io.windsock.internal.protocol.DecodedSize.LIST;
import static io.windsock.internal.protocol.DecodedSize.MAP;
import static io.windsock.internal.protocol.DecodedSize.MAP_ENTRY;
import static io.windsock.internal.protocol.DecodedSize.MAP_TABLE;
import static io.windsock.internal.protocol.DecodedSize.REFERENCE;
import static io.windsock.internal.protocol.DecodedSize.SMALL_OBJECT;
import static io.windsock.internal.protocol.DecodedSize.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.json.JacksonJsonCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap estimate of decoded arguments, on values as the wire reader decodes them. */
class DecodedSizeTest {
    private static final long NO_CAP = Long.MAX_VALUE;
    private final JacksonJsonCodec json = new JacksonJsonCodec();

    private List<?> read(String text) throws Exception {
        return (List<?>) json.read(text);
    }

    @Test
    void stringsAndNumbersCountAboutTheirWireSize() throws Exception {
        // ["echo","hello",42,true,null]: the list, two strings, one boxed number; true and null are shared.
        long expected = LIST + 5 * REFERENCE + (STRING + 4) + (STRING + 5) + SMALL_OBJECT;
        assertEquals(expected, DecodedSize.of(read("[\"echo\",\"hello\",42,true,null]"), NO_CAP));
    }

    @Test
    void manySmallObjectsCountFarMoreThanTheirWireSize() throws Exception {
        String wire = "[\"e\",[" + "{},".repeat(999) + "{}]]";
        long size = DecodedSize.of(read(wire), NO_CAP);
        assertEquals(LIST + 2 * REFERENCE + (STRING + 1) + LIST + 1000 * REFERENCE + 1000 * MAP, size);
        assertTrue(size > 15 * wire.length(), size + " for " + wire.length() + " wire bytes");
    }

    @Test
    void mapsCountTheirTableEntriesKeysAndValues() throws Exception {
        long expected = LIST + REFERENCE + MAP + MAP_TABLE + 2 * MAP_ENTRY
                + (STRING + 1) + (STRING + 2) + (STRING + 1) + LIST + 2 * REFERENCE + 2 * SMALL_OBJECT;
        assertEquals(expected, DecodedSize.of(read("[{\"a\":\"xy\",\"b\":[1,2]}]"), NO_CAP));
    }

    @Test
    void binaryAttachmentsCountTheirBytes() {
        assertEquals(LIST + REFERENCE + DecodedSize.ARRAY + 1000, DecodedSize.of(List.of(new byte[1000]), NO_CAP));
    }

    @Test
    void theWalkStopsAtTheCap() throws Exception {
        List<?> values = read("[" + "{},".repeat(99_999) + "{}]");
        assertEquals(10_000, DecodedSize.of(values, 10_000));
    }

    @Test
    void deepNestingDoesNotOverflowTheStack() {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int depth = 0; depth < 200_000; depth++) {
            List<Object> inner = new ArrayList<>();
            current.add(inner);
            current = inner;
        }
        assertEquals(LIST + REFERENCE + 200_000 * (LIST + REFERENCE) - REFERENCE, DecodedSize.of(outer, NO_CAP));
    }
}
