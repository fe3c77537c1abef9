package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict {@code byte[]}, {@code float[]} and {@code double[]}: Jackson's own primitive array
 * deserializers read elements without the strict element deserializers (a byte from 200 wraps, a
 * float from 1e300 is Infinity) and take a string as base64 for {@code byte[]}. These read a JSON
 * array element by element with the strict ones; {@code byte[]} also takes binary as it is.
 */
final class StrictArrays {
    static final JsonDeserializer<byte[]> BYTES = new ArrayOf<>(byte[].class,
            new StrictConversion.ByteDeserializer(byte.class), values -> {
                byte[] out = new byte[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Byte) values.get(i);
                }
                return out;
            });
    static final JsonDeserializer<float[]> FLOATS = new ArrayOf<>(float[].class,
            new StrictConversion.FloatDeserializer(float.class), values -> {
                float[] out = new float[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Float) values.get(i);
                }
                return out;
            });
    static final JsonDeserializer<double[]> DOUBLES = new ArrayOf<>(double[].class,
            new StrictConversion.DoubleDeserializer(double.class), values -> {
                double[] out = new double[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Double) values.get(i);
                }
                return out;
            });

    private StrictArrays() {
    }

    private interface Assembler<A> {
        A assemble(List<Object> values);
    }

    private static final class ArrayOf<A> extends StdDeserializer<A> {
        private final JsonDeserializer<?> element;
        private final Assembler<A> assembler;

        ArrayOf(Class<A> type, JsonDeserializer<?> element, Assembler<A> assembler) {
            super(type);
            this.element = element;
            this.assembler = assembler;
        }

        @Override
        @SuppressWarnings("unchecked")
        public A deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT && _valueClass.isInstance(p.getEmbeddedObject())) {
                return (A) p.getEmbeddedObject(); // binary, for byte[]
            }
            if (t != JsonToken.START_ARRAY) {
                String what = t == JsonToken.VALUE_STRING ? "a String" : t == JsonToken.VALUE_EMBEDDED_OBJECT
                        ? "binary" : "a JSON " + (t == null ? "value" : t.asString());
                return (A) ctxt.reportInputMismatch(this, "%s is not a valid %s (a JSON array of numbers)",
                        what, _valueClass.getSimpleName());
            }
            List<Object> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(element.deserialize(p, ctxt)); // null too: the element refuses it
            }
            return assembler.assemble(values);
        }
    }
}
