package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Strict {@code byte[]}, {@code Byte[]}, {@code ByteBuffer}, {@code float[]} and {@code double[]}:
 * Jackson's own primitive array deserializers read elements without the strict element
 * deserializers (a byte from 200 wraps, a float from 1e300 is Infinity), and it takes a string as
 * base64 for {@code byte[]}, {@code Byte[]} and {@code ByteBuffer} (whose deserializer takes no
 * array at all). These read a JSON array element by element with the strict ones; the binary types
 * also take binary as it is, and all three take the same values.
 */
final class StrictArrays {
    static final JsonDeserializer<byte[]> BYTES = new ArrayOf<>(byte[].class,
            new StrictConversion.ByteDeserializer(byte.class), values -> {
                byte[] out = new byte[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Byte) values.get(i);
                }
                return out;
            }, bytes -> bytes);
    /** As {@code byte[]}; a {@code null} element is {@code null}, as for any array of references. */
    static final JsonDeserializer<Byte[]> BOXED_BYTES = new ArrayOf<>(Byte[].class,
            new StrictConversion.ByteDeserializer(Byte.class), values -> values.toArray(new Byte[0]), bytes -> {
                Byte[] out = new Byte[bytes.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = bytes[i];
                }
                return out;
            });
    static final JsonDeserializer<ByteBuffer> BYTE_BUFFER = new ArrayOf<>(ByteBuffer.class,
            new StrictConversion.ByteDeserializer(byte.class), values -> {
                ByteBuffer out = ByteBuffer.allocate(values.size());
                values.forEach(b -> out.put((Byte) b));
                return out.flip();
            }, ByteBuffer::wrap);
    static final JsonDeserializer<float[]> FLOATS = new ArrayOf<>(float[].class,
            new StrictConversion.FloatDeserializer(float.class), values -> {
                float[] out = new float[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Float) values.get(i);
                }
                return out;
            }, null);
    static final JsonDeserializer<double[]> DOUBLES = new ArrayOf<>(double[].class,
            new StrictConversion.DoubleDeserializer(double.class), values -> {
                double[] out = new double[values.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Double) values.get(i);
                }
                return out;
            }, null);

    private StrictArrays() {
    }

    private interface Assembler<A> {
        A assemble(List<Object> values);
    }

    private static final class ArrayOf<A> extends StdDeserializer<A> {
        private final JsonDeserializer<?> element;
        private final Assembler<A> assembler;
        /** Makes the value from binary, or null when the type takes none. */
        private final Function<byte[], A> fromBinary;
        private final boolean nullElements;

        ArrayOf(Class<A> type, JsonDeserializer<?> element, Assembler<A> assembler, Function<byte[], A> fromBinary) {
            super(type);
            this.element = element;
            this.assembler = assembler;
            this.fromBinary = fromBinary;
            this.nullElements = !element.handledType().isPrimitive();
        }

        @Override
        @SuppressWarnings("unchecked")
        public A deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT && fromBinary != null && p.getEmbeddedObject() instanceof byte[] bytes) {
                return fromBinary.apply(bytes);
            }
            if (t != JsonToken.START_ARRAY) {
                String what = t == JsonToken.VALUE_STRING ? "a String" : t == JsonToken.VALUE_EMBEDDED_OBJECT
                        ? "binary" : "a JSON " + (t == null ? "value" : t.asString());
                return (A) ctxt.reportInputMismatch(this, "%s is not a valid %s (%sa JSON array of numbers)",
                        what, _valueClass.getSimpleName(), fromBinary != null ? "binary or " : "");
            }
            List<Object> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                // A primitive element refuses null itself.
                values.add(nullElements && p.currentToken() == JsonToken.VALUE_NULL ? null : element.deserialize(p, ctxt));
            }
            return assembler.assemble(values);
        }
    }
}
