package io.windsock.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.ReaderBasedJsonParser;
import java.io.IOException;
import java.io.Reader;

/**
 * The wire reader's factory: its parsers note when a number they read as a double is not finite
 * (1e400, which {@code JSON.parse} reads as Infinity). Noting it where the parser converts the
 * number costs one comparison per floating-point number; finding it afterwards would cost a walk of
 * every decoded value. Only text input (what the wire reader parses) gets such parsers.
 */
final class FlaggingJsonFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;

    FlaggingJsonFactory(JsonFactoryBuilder builder) {
        super(builder);
    }

    /** @return whether the parser, made by this factory, read a non-finite double so far */
    static boolean sawNonFinite(JsonParser parser) {
        return parser instanceof Flagging flagging && flagging.nonFinite;
    }

    @Override
    protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
            throws IOException {
        _streamReadConstraints.validateDocumentLength(len);
        return new Flagging(ctxt, _parserFeatures, null, _objectCodec, _rootCharSymbols.makeChild(),
                data, offset, offset + len, recyclable);
    }

    @Override
    protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new Flagging(ctxt, _parserFeatures, r, _objectCodec, _rootCharSymbols.makeChild());
    }

    private static final class Flagging extends ReaderBasedJsonParser {
        boolean nonFinite;

        Flagging(IOContext ctxt, int features, Reader r, com.fasterxml.jackson.core.ObjectCodec codec,
                 com.fasterxml.jackson.core.sym.CharsToNameCanonicalizer symbols, char[] buffer, int start, int end,
                 boolean recyclable) {
            super(ctxt, features, r, codec, symbols, buffer, start, end, recyclable);
        }

        Flagging(IOContext ctxt, int features, Reader r, com.fasterxml.jackson.core.ObjectCodec codec,
                 com.fasterxml.jackson.core.sym.CharsToNameCanonicalizer symbols) {
            super(ctxt, features, r, codec, symbols);
        }

        @Override
        public double getDoubleValue() throws IOException {
            double d = super.getDoubleValue();
            if (!Double.isFinite(d)) {
                nonFinite = true;
            }
            return d;
        }
    }
}
