package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An application value as plain values, serialized by the application's mapper (its modules,
 * annotations and settings) into a token buffer and read back: maps, lists, strings, numbers as the
 * serializer wrote them ({@code Float}, {@code BigDecimal} kept), booleans, {@code null}, and binary
 * ({@code byte[]}, {@code ByteBuffer} anywhere) as {@code byte[]}. Recursive: the mapper's own
 * nesting limit bounds the depth (1,000 by default).
 */
final class PlainValues {
    private PlainValues() {
    }

    static Object of(Object value, ObjectMapper mapper, ObjectWriter writer) {
        try (TokenBuffer buffer = new TokenBuffer(mapper, false)) {
            writer.writeValue(buffer, value);
            try (JsonParser parser = buffer.asParser()) {
                parser.nextToken();
                return read(parser, mapper);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName(), e);
        }
    }

    private static Object read(JsonParser parser, ObjectMapper mapper) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser, mapper));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser, mapper));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_EMBEDDED_OBJECT: {
                Object embedded = parser.getEmbeddedObject();
                if (embedded == null || embedded instanceof byte[]) {
                    return embedded;
                }
                if (embedded instanceof RawValue raw) { // @JsonRawValue: JSON text the application wrote
                    return mapper.readValue(String.valueOf(raw.rawValue()), Object.class);
                }
                throw new IOException("cannot write an embedded " + embedded.getClass().getName());
            }
            default:
                throw new IOException("unexpected " + token);
        }
    }
}
