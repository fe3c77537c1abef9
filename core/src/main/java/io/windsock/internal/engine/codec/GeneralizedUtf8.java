package io.windsock.internal.engine.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text packets of an Engine.IO v3 binary payload, decoded as engine.io's v3 parser decodes them
 * (utf8.js with {@code strict: false}): invalid UTF-8 is refused, not replaced, and an encoded surrogate
 * (which socket.io-client 2.x writes for an unpaired one) becomes U+FFFD. Stateless.
 */
final class GeneralizedUtf8 {
    private GeneralizedUtf8() {
    }

    static String decode(byte[] bytes, int from, int to) throws EngineDecodeException {
        try {
            // Valid UTF-8 has no surrogates: the JDK's strict decoder gives the same text, and fast.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return decodeWithSurrogates(bytes, from, to);
        }
    }

    /** utf8.js's decodeSymbol, byte by byte. */
    private static String decodeWithSurrogates(byte[] bytes, int from, int to) throws EngineDecodeException {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int first = bytes[i++] & 0xff;
            int codePoint;
            if (first < 0x80) {
                codePoint = first;
            } else if ((first & 0xe0) == 0xc0) {
                codePoint = (first & 0x1f) << 6 | continuation(bytes, i++, to);
                if (codePoint < 0x80) {
                    throw invalid();
                }
            } else if ((first & 0xf0) == 0xe0) {
                codePoint = (first & 0x0f) << 12 | continuation(bytes, i++, to) << 6 | continuation(bytes, i++, to);
                if (codePoint < 0x800) {
                    throw invalid();
                }
                if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
                    codePoint = 0xfffd;
                }
            } else if ((first & 0xf8) == 0xf0) {
                codePoint = (first & 0x07) << 18 | continuation(bytes, i++, to) << 12
                        | continuation(bytes, i++, to) << 6 | continuation(bytes, i++, to);
                if (codePoint < 0x10000 || codePoint > 0x10ffff) {
                    throw invalid();
                }
            } else {
                throw invalid();
            }
            out.appendCodePoint(codePoint);
        }
        return out.toString();
    }

    private static int continuation(byte[] bytes, int i, int to) throws EngineDecodeException {
        if (i >= to || (bytes[i] & 0xc0) != 0x80) {
            throw invalid();
        }
        return bytes[i] & 0x3f;
    }

    private static EngineDecodeException invalid() {
        return new EngineDecodeException(EngineDecodeException.Reason.INVALID_UTF8, "invalid UTF-8 in a text packet");
    }
}
