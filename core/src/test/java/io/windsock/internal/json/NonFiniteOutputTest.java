package io.windsock.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.windsock.internal.protocol.SocketPacketEncoder;
import io.windsock.protocol.SocketPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outgoing {@code NaN} and infinities are written {@code null}, as Node's {@code JSON.stringify} writes
 * them: {@code JSON.stringify(["ev",NaN,Infinity,-Infinity,[1.5,NaN],{x:Infinity},{d:NaN,f:-Infinity}])}
 * printed the expected text of {@link #everyFormOfANonFiniteNumberIsWrittenNull()} (Node 20).
 */
class NonFiniteOutputTest {
    record Reading(double d, float f) {}

    private final JacksonJsonCodec codec = new JacksonJsonCodec();

    private static List<Object> nonFiniteArguments() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("x", Double.POSITIVE_INFINITY);
        return Arrays.asList("ev", Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                new double[] {1.5, Double.NaN}, object, new Reading(Double.NaN, Float.NEGATIVE_INFINITY));
    }

    @Test
    void everyFormOfANonFiniteNumberIsWrittenNull() {
        String wire = new SocketPacketEncoder(codec).encodeText(SocketPacket.event("/", nonFiniteArguments(), SocketPacket.NO_ID));
        assertEquals("2[\"ev\",null,null,null,[1.5,null],{\"x\":null},{\"d\":null,\"f\":null}]", wire);
    }

    @Test
    void treesAndFloatArraysToo() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("d", Double.NEGATIVE_INFINITY).put("f", Float.NaN).put("ok", 2.5);
        assertEquals("[{\"d\":null,\"f\":null,\"ok\":2.5},[null,0.5]]",
                codec.write(List.of(tree, new float[] {Float.POSITIVE_INFINITY, 0.5f}), new ArrayList<>()));
    }

    @Test
    void alongsideBinaryAndWithoutTheAttachmentsList() {
        List<byte[]> attachments = new ArrayList<>();
        assertEquals("[{\"_placeholder\":true,\"num\":0},null]",
                codec.write(Arrays.asList(new byte[] {1}, Double.NaN), attachments));
        assertEquals(1, attachments.size());
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", Double.NaN);
        object.put("b", List.of(1.0, Double.POSITIVE_INFINITY));
        assertEquals("{\"a\":null,\"b\":[1.0,null]}", codec.write(object), "the text-only form (protocol 1)");
    }

    @Test
    void whateverTheApplicationsMapperSaysAboutNaN() {
        ObjectMapper bareTokens = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build(); // NaN, not "NaN"
        assertEquals("[null,1.0E300]", new JacksonJsonCodec(bareTokens).write(List.of(Double.NaN, 1e300)));
    }
}
