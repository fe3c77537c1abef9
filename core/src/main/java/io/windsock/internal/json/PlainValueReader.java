package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON document into the plain values an {@code ObjectReader} for {@code Object} builds
 * ({@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Integer}, {@link Long} or
 * {@link java.math.BigInteger} by size, {@link Double}, {@link Boolean}, {@code null}), straight from
 * the streaming parser: without the deserialization context and bookkeeping that databind sets up for
 * every call, which cost more than the parsing itself on the small payloads of most events.
 *
 * <p>Every bound is the parser's: the factory's {@link com.fasterxml.jackson.core.StreamReadConstraints}
 * (nesting depth, which also bounds this reader's recursion, and lengths) and its duplicate-key check.
 * Thread-safe: no state besides the factory.
 */
final class PlainValueReader {
    private final JsonFactory factory;

    PlainValueReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** @throws IOException on anything that is not exactly one JSON value (empty input and trailing tokens too) */
    Object read(String json) throws IOException {
        try (JsonParser parser = factory.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonParseException(parser, "no JSON value");
            }
            Object value = value(parser, first);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing tokens after the JSON value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) { // the parser reports a cut document itself; kept as a guard
            throw new JsonParseException(parser, "unexpected end of the JSON value");
        }
        return switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> array(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue(); // Integer, Long or BigInteger, the smallest that fits
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "unexpected token " + token);
        };
    }

    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            map.put(name, value(parser, parser.nextToken()));
        }
        if (!parser.hasToken(JsonToken.END_OBJECT)) {
            throw new JsonParseException(parser, "unexpected token " + parser.currentToken() + " in an object");
        }
        return map;
    }

    private static List<Object> array(JsonParser parser) throws IOException {
        List<Object> list = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            list.add(value(parser, token));
        }
        return list;
    }
}
