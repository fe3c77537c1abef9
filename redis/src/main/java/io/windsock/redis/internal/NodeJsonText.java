package io.windsock.redis.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * JSON text as the Node adapter's {@code JSON.stringify} writes it: a {@code NaN} or an infinite number
 * is {@code null}. Jackson would write the string {@code "Infinity"}, which a Node server would then
 * pass to its clients as a string where its own peers send {@code null}. (Msgpack has infinities, and
 * notepack.io keeps them, so that form needs nothing.)
 */
final class NodeJsonText {
    private NodeJsonText() {}

    static byte[] write(ObjectMapper mapper, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = new NonFiniteAsNull(mapper.getFactory().createGenerator(out, JsonEncoding.UTF8))) {
            mapper.writeValue(generator, value);
        }
        return out.toByteArray();
    }

    private static final class NonFiniteAsNull extends JsonGeneratorDelegate {
        NonFiniteAsNull(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            if (Double.isFinite(v)) {
                super.writeNumber(v);
            } else {
                super.writeNull();
            }
        }

        @Override
        public void writeNumber(float v) throws IOException {
            if (Float.isFinite(v)) {
                super.writeNumber(v); // not as a double: 0.1f stays 0.1
            } else {
                super.writeNull();
            }
        }

        @Override
        public void writeArray(double[] array, int offset, int length) throws IOException {
            writeStartArray(array, length);
            for (int i = offset; i < offset + length; i++) {
                writeNumber(array[i]);
            }
            writeEndArray();
        }
    }
}
