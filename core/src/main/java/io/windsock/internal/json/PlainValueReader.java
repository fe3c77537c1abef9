package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
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
 * (nesting depth and lengths) and its duplicate-key check.
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

    /**
     * One value, containers built with a stack of their own rather than by recursion: the depth the
     * factory allows is configurable up to {@code ProtocolLimits}' maximum (10,000), which recursion would
     * pay for in stack frames on a network thread (databind's untyped reader is not recursive either).
     */
    private static Object value(JsonParser parser, JsonToken first) throws IOException {
        if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
            return scalar(parser, first);
        }
        Object root = open(first);
        ArrayDeque<Object> stack = new ArrayDeque<>();
        stack.push(root);
        while (true) {
            Object container = stack.peek();
            String name = null;
            JsonToken token;
            if (container instanceof Map) {
                name = parser.nextFieldName();
                if (name == null) {
                    if (!parser.hasToken(JsonToken.END_OBJECT)) {
                        throw new JsonParseException(parser, "unexpected token " + parser.currentToken() + " in an object");
                    }
                    stack.pop();
                    if (stack.isEmpty()) {
                        return root;
                    }
                    continue;
                }
                token = parser.nextToken();
            } else {
                token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    stack.pop();
                    if (stack.isEmpty()) {
                        return root;
                    }
                    continue;
                }
            }
            Object value;
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                value = open(token);
                add(container, name, value);
                stack.push(value);
            } else {
                add(container, name, scalar(parser, token));
            }
        }
    }

    private static Object open(JsonToken token) {
        return token == JsonToken.START_OBJECT ? new LinkedHashMap<String, Object>() : new ArrayList<>();
    }

    @SuppressWarnings("unchecked")
    private static void add(Object container, String name, Object value) {
        if (name != null) {
            ((Map<String, Object>) container).put(name, value);
        } else {
            ((List<Object>) container).add(value);
        }
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) { // the parser reports a cut document itself; kept as a guard
            throw new JsonParseException(parser, "unexpected end of the JSON value");
        }
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue(); // Integer, Long or BigInteger, the smallest that fits
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "unexpected token " + token);
        };
    }
}
