package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.Map;

/**
 * Strict maps: a JSON object whose keys convert to fewer distinct map keys than it has is refused.
 * Jackson converts each key on its own and keeps the last value for a key it made twice, so
 * {@code {"01": "a", "1": "b"}} became {@code {1=b}} for a {@code Map<Integer, String>}, a value
 * silently lost. Maps keyed by strings need no check (a JSON object's keys are distinct: the wire
 * reader refuses duplicates), so only the others pay for it: the object is buffered, its keys
 * counted, then the map built from the buffer.
 */
final class StrictMaps extends BeanDeserializerModifier {
    static final StrictMaps INSTANCE = new StrictMaps();

    private StrictMaps() {
    }

    @Override
    public JsonDeserializer<?> modifyMapDeserializer(DeserializationConfig config, MapType type, BeanDescription beanDesc,
                                                     JsonDeserializer<?> deserializer) {
        Class<?> key = type.getKeyType().getRawClass();
        if (key == String.class || key == Object.class || key == CharSequence.class) {
            return deserializer; // the key is the JSON key itself
        }
        return new DistinctKeys(deserializer);
    }

    private static final class DistinctKeys extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        DistinctKeys(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new DistinctKeys(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.START_OBJECT)) {
                return super.deserialize(p, ctxt); // null, or a mismatch the map deserializer reports
            }
            TokenBuffer copy = ctxt.bufferAsCopyOfValue(p);
            int keys = 0;
            try (JsonParser counting = copy.asParserOnFirstToken()) {
                while (counting.nextToken() == JsonToken.FIELD_NAME) {
                    keys++;
                    counting.nextToken();
                    counting.skipChildren();
                }
            }
            Object map;
            try (JsonParser reading = copy.asParserOnFirstToken()) {
                map = _delegatee.deserialize(reading, ctxt);
            }
            if (map instanceof Map<?, ?> m && m.size() < keys) {
                return ctxt.reportInputMismatch(this,
                        "the object's %d keys convert to only %d distinct map keys (a value would be lost)", keys, m.size());
            }
            return map;
        }
    }
}
