package io.windsock.interop.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * JSON as exchanged with the Node scripts: one object per line. Binary values travel as
 * {@code {"$bin": "<base64>", "kind": "Buffer"}} both ways (see {@code node/lib/wire.js}), so a test
 * can compare what a client received with {@link #tree} of what the server sent, kind included.
 */
public final class Json {
    /** Writes non-ASCII as escapes, so a lone surrogate in a test value reaches Node intact (UTF-8 cannot carry it). */
    public static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /**
     * Converts Java values (maps, lists, arrays, strings, numbers, booleans, null, {@code byte[]},
     * {@link ByteBuffer}, JsonNodes) to a tree, binary as Node {@code Buffer}s.
     */
    public static JsonNode tree(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof byte[] bytes) {
            return bin(bytes, "Buffer");
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bin(bytes, "Buffer");
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), tree(v)));
            return object;
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(v -> array.add(tree(v)));
            return array;
        }
        if (value instanceof Object[] list) {
            ArrayNode array = NODES.arrayNode();
            for (Object v : list) {
                array.add(tree(v));
            }
            return array;
        }
        return MAPPER.valueToTree(value);
    }

    /** @return a JSON array of the values, as {@link #tree} converts them. */
    public static ArrayNode array(Object... values) {
        return (ArrayNode) tree(values);
    }

    /** @return the wire form of binary data of a kind ({@code Buffer}, {@code ArrayBuffer}, {@code Uint8Array}). */
    public static ObjectNode bin(byte[] bytes, String kind) {
        ObjectNode node = NODES.objectNode();
        node.put("$bin", Base64.getEncoder().encodeToString(bytes));
        node.put("kind", kind);
        return node;
    }

    /** @return whether the node is a binary value in wire form. */
    public static boolean isBinary(JsonNode node) {
        return node != null && node.isObject() && node.path("$bin").isTextual();
    }

    /** @return the bytes of a binary value in wire form. */
    public static byte[] bytes(JsonNode node) {
        if (!isBinary(node)) {
            throw new AssertionError("not a binary value: " + node);
        }
        return Base64.getDecoder().decode(node.get("$bin").asText());
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(tree(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
