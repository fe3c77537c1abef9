package io.windsock.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.windsock.protocol.ProtocolLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire's value reader builds what databind's untyped reader (the one it replaced) builds from the
 * same parser factory, down to the Java classes, and refuses what it refused.
 */
class PlainValueReaderTest {
    private static final JsonFactory FACTORY = JacksonJsonCodec.wireFactory(ProtocolLimits.DEFAULT);
    private static final ObjectReader DATABIND = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build().readerFor(Object.class);
    private final PlainValueReader reader = new PlainValueReader(FACTORY);

    @ParameterizedTest
    @ValueSource(strings = {
        "[\"echo\",{\"n\":1,\"s\":\"x\"}]",
        "[\"ev\",1,-1,0,-0,2147483647,2147483648,-2147483649,9223372036854775807,9223372036854775808,"
                + "-9223372036854775809,123456789012345678901234567890]",
        "[1.5,-0.0,1e3,1E-3,2.5e+10,1e400,-1e400,4.9e-324,0.1,1e99999999999999999999]",
        "[true,false,null,\"\",\"\\u00e9\\ud83d\\ude00\\n\\\"\\\\\",\"\\ud800\"]",
        "{\"a\":{\"b\":[{},[],{\"c\":[null]}]},\"\":0,\"z\":\"last\",\"y\":\"order kept\"}",
        "  [ 1 , { \"k\" : [ ] } ]  \n",
        "\"a bare string\"", "42", "-7.25", "true", "null", "{}", "[]",
    })
    void buildsWhatDatabindBuilds(String json) throws IOException {
        Object expected = DATABIND.readValue(json);
        Object actual = reader.read(json);
        assertEquals(expected, actual);
        assertEquals(classes(expected), classes(actual), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "[", "]", "[1,]", "[1 2]", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{1:2}", "{\"a\":1,\"a\":2}",
        "[1] [2]", "[1]x", "1 2", "{\"a\":1}}", "[\"unterminated]", "NaN", "[Infinity]", "01", "[.5]", "'x'",
        "[\"\u0001\"]", "[12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901]" /* 101 digits: over the number bound */,
    })
    void refusesWhatDatabindRefuses(String json) {
        assertThrows(IOException.class, () -> DATABIND.readValue(json), "databind took " + json);
        assertThrows(IOException.class, () -> reader.read(json), json);
    }

    /**
     * The deepest nesting the limits allow, read on a thread with a small stack: a reader that recursed
     * per level would overflow it (an Error that would escape onto a network thread).
     */
    @Test
    void theDeepestAllowedNestingNeedsNoStack() throws Exception {
        int depth = 10_000;
        JsonFactory deep = JacksonJsonCodec.wireFactory(new ProtocolLimits(10, 15, 1_000_000, depth));
        String json = "[".repeat(depth - 1) + "{\"k\":1}" + "]".repeat(depth - 1);
        AtomicReference<Object> read = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                read.set(new PlainValueReader(deep).read(json));
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "small-stack", 128 * 1024);
        small.start();
        small.join(30_000);
        assertNull(failed.get());
        Object value = read.get();
        int levels = 1;
        while (value instanceof List<?> list) {
            assertEquals(1, list.size());
            value = list.get(0);
            levels++;
        }
        assertEquals(Map.of("k", 1), value);
        assertEquals(depth, levels);
        assertThrows(IOException.class, () -> new PlainValueReader(deep).read("[" + json + "]"), "one level more");
    }

    /** The value's shape with each node's class: equal maps of different classes would pass assertEquals. */
    private static Object classes(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<Object> out = new ArrayList<>(List.of(map.getClass()));
            map.forEach((k, v) -> out.add(List.of(k, classes(v))));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(List.of(list.getClass()));
            list.forEach(v -> out.add(classes(v)));
            return out;
        }
        return value == null ? "null" : value.getClass();
    }
}
