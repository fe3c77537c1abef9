package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * A generator that writes what {@code JSON.stringify} writes where JSON has no form: a {@code NaN} or
 * an infinite {@code double} or {@code float} becomes {@code null}. Jackson would write the strings
 * {@code "NaN"} and {@code "Infinity"} (or, with {@code WRITE_NAN_AS_STRINGS} off, bare tokens that no
 * JSON reader takes), so a client of a Windsock server would see what a client of Node never does.
 */
class WireGenerator extends JsonGeneratorDelegate {
    WireGenerator(JsonGenerator delegate) {
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
            super.writeNumber(v);
        } else {
            super.writeNull();
        }
    }

    /** Jackson writes a {@code double[]} in one call past {@link #writeNumber(double)}: each element here. */
    @Override
    public void writeArray(double[] array, int offset, int length) throws IOException {
        if (array == null) {
            throw new IllegalArgumentException("null array");
        }
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new IllegalArgumentException("bad offset " + offset + " or length " + length
                    + " for an array of " + array.length);
        }
        writeStartArray(array, length);
        for (int i = offset; i < offset + length; i++) {
            writeNumber(array[i]);
        }
        writeEndArray();
    }
}
