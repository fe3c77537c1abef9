package io.windsock.redis.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The two encodings of the Node adapter's messages: msgpack (notepack.io: broadcasts, BROADCAST
 * requests and BROADCAST_ACK responses) and JSON (every other request and response). Decoded
 * messages are plain Java values: {@code Map<String, Object>} (in the order sent), {@code List},
 * {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean},
 * {@code null}, and {@code byte[]} for msgpack bin. Thread-safe.
 */
public final class WireCodec {
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    /**
     * Reads JSON from other nodes into trees only (no application types): shared, thread-safe. Strings and
     * names as long as Node's JSON.parse takes them (Jackson's defaults stop at 20,000,000 and 50,000
     * characters): neither can outgrow the message that holds it. Nesting and numbers keep Jackson's bounds,
     * which guard the stack and the cost of parsing a number.
     */
    private static final ObjectMapper JSON_READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build());

    private final ObjectMapper json;

    /** @param json the mapper that turns application objects (event arguments, socket data) into values */
    public WireCodec(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Encodes as msgpack. Application objects go through the JSON mapper's rules (records, POJOs);
     * {@code byte[]} and {@code ByteBuffer} become msgpack bin, as Node's Buffers do; a map's
     * entries keep their order.
     */
    public byte[] msgpack(Object value) {
        try {
            return MSGPACK.writeValueAsBytes(json.valueToTree(value));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode as msgpack: " + e.getMessage(), e);
        }
    }

    /** Encodes as JSON text (UTF-8 bytes), as the Node adapter's {@code JSON.stringify} (NaN and infinities as null). */
    public byte[] json(Object value) {
        try {
            return NodeJsonText.write(json, value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a request or response as the Node adapter does: JSON when the first byte is
     * <code>{</code>, else msgpack.
     *
     * @throws UncheckedIOException on a malformed message
     */
    public static Object decode(byte[] message) {
        if (message.length > 0 && message[0] == '{') {
            return decodeJson(message);
        }
        return decodeMsgpack(message);
    }

    /**
     * @throws UncheckedIOException on malformed msgpack, including a length that runs past the message
     *                              (checked before any allocation) and nesting deeper than {@link MsgpackCheck#MAX_DEPTH}
     */
    public static Object decodeMsgpack(byte[] message) {
        try {
            MsgpackCheck.check(message);
            return plain(MSGPACK.readTree(message));
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        } catch (IOException e) {
            throw new UncheckedIOException("malformed msgpack message", e);
        }
    }

    /** @throws UncheckedIOException on malformed JSON */
    public static Object decodeJson(byte[] message) {
        try {
            return plain(JSON_READER.readTree(message));
        } catch (IOException e) {
            throw new UncheckedIOException("malformed JSON message: "
                    + new String(message, 0, Math.min(message.length, 80), StandardCharsets.UTF_8), e);
        }
    }

    /** @return the tree as plain values; a msgpack extension (notepack's undefined, Dates) becomes null */
    static Object plain(JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                map.put(field.getKey(), plain(field.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(plain(element));
            }
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBinary()) {
            return node.binaryValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isInt()) {
            return node.intValue();
        }
        if (node.isLong()) {
            return node.longValue();
        }
        if (node.isBigInteger()) {
            BigInteger big = node.bigIntegerValue();
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return null;
    }
}
