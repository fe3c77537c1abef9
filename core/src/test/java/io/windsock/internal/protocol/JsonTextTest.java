package io.windsock.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.windsock.internal.json.JacksonJsonCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written CONNECT reply is what the object mapper writes for the same map, or not made. */
class JsonTextTest {
    private final JacksonJsonCodec json = new JacksonJsonCodec();

    @Test
    void plainStringsAreWrittenAsTheMapperWritesThem() {
        assertEquals(json.write(Map.of("sid", "aB-_09xyz")), JsonText.ofStrings("sid", "aB-_09xyz", "pid", null).json());
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("sid", "s1");
        both.put("pid", "p-2");
        assertEquals(json.write(both), JsonText.ofStrings("sid", "s1", "pid", "p-2").json());
    }

    @Test
    void anythingJsonWouldEscapeIsLeftToTheMapper() {
        assertNull(JsonText.ofStrings("sid", "a\"b", "pid", null));
        assertNull(JsonText.ofStrings("sid", "a\\b", "pid", null));
        assertNull(JsonText.ofStrings("sid", "a\nb", "pid", null));
        assertNull(JsonText.ofStrings("sid", "é", "pid", null));
        assertNull(JsonText.ofStrings("sid", "ok", "pid", "\u2028"));
    }
}
