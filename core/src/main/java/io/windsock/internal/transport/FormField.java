package io.windsock.internal.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The field {@code d} of a JSONP POST's form body, read as engine.io 3.x reads it: the body as
 * UTF-8 text (polling.js sets the request's encoding to utf8), then Node's {@code querystring.parse}
 * ({@code qs.parse(data).d} in polling-jsonp.js). So, as there: fields split on {@code &} only, the
 * first 1,000 of them; {@code +} is a space; a name or value is decoded only when it holds a valid
 * escape, as {@code decodeURIComponent} decodes, and when that fails (a malformed escape, escaped
 * bytes that are not UTF-8) leniently: each valid escape a byte, anything else kept as sent, the
 * bytes read as UTF-8 with replacement characters ({@code querystring.unescapeBuffer}); a field
 * {@code d} given twice is an array, which engine.io ignores. Socket.IO 0.9's jsonp-polling reads its
 * POST bodies the same way ({@code qs.parse(buffer).d} in http-transport.js).
 */
public final class FormField {
    /** querystring.parse's default maxKeys. */
    private static final int MAX_FIELDS = 1000;

    private FormField() {
    }

    /** @return the field {@code d} ({@code ""} for a bare {@code d}), or null when there is none or more than one */
    public static String d(byte[] form) {
        String body = utf8(form, form.length);
        String d = null;
        int start = 0;
        for (int fields = 0; fields < MAX_FIELDS && start <= body.length(); fields++) {
            int end = body.indexOf('&', start);
            if (end < 0) {
                end = body.length();
            }
            int equals = body.indexOf('=', start);
            int nameEnd = equals < 0 || equals > end ? end : equals;
            if (end > start && "d".equals(unescape(body.substring(start, nameEnd)))) {
                if (d != null) {
                    return null;
                }
                d = nameEnd == end ? "" : unescape(body.substring(nameEnd + 1, end));
            }
            start = end + 1;
        }
        return d;
    }

    /** querystring's decoding of a name or value. */
    static String unescape(String component) {
        String text = component.replace('+', ' ');
        if (!looksEscaped(component)) {
            return text;
        }
        try {
            return decodeUriComponent(text);
        } catch (IllegalArgumentException | CharacterCodingException malformed) {
            return unescapeBuffer(text);
        }
    }

    /**
     * querystring's test of whether to decode at all: a {@code %} and two hex digits, the plus signs
     * between them skipped as its parser skips them ({@code %4+1} counts; decoding it then fails).
     */
    private static boolean looksEscaped(String component) {
        int seen = 0; // 1 after a '%', 2 after its first hex digit
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '%') {
                seen = 1;
            } else if (c != '+' && seen > 0) {
                if (hex(c) < 0) {
                    seen = 0;
                } else if (++seen == 3) {
                    return true;
                }
            }
        }
        return false;
    }

    /** JavaScript's decodeURIComponent: every {@code %} starts an escape, and each run of them is strict UTF-8. */
    private static String decodeUriComponent(String text) throws CharacterCodingException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            run.reset();
            while (i < text.length() && text.charAt(i) == '%') {
                if (i + 2 >= text.length() || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0) {
                    throw new IllegalArgumentException("malformed escape");
                }
                run.write(hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 3;
            }
            CharBuffer decoded = utf8.reset().decode(ByteBuffer.wrap(run.toByteArray()));
            out.append(decoded);
        }
        return out.toString();
    }

    /**
     * querystring.unescapeBuffer then toString(): a valid escape is its byte, any other character
     * its low byte (a Node Buffer keeps only that of a larger code), the bytes read as UTF-8.
     */
    private static String unescapeBuffer(String text) {
        byte[] bytes = new byte[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes[n++] = (byte) (hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        return utf8(bytes, n);
    }

    /**
     * Bytes as Node reads them as UTF-8 text: each maximal ill-formed subpart one U+FFFD (the
     * Encoding Standard's decoder). The JDK's decoder gives one for some longer runs (a surrogate's
     * three bytes), so it is trusted only for a text without U+FFFD, the usual case.
     */
    static String utf8(byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(length);
        int needed = 0;
        int seen = 0;
        int codePoint = 0;
        int lower = 0x80;
        int upper = 0xBF;
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                if (b <= 0x7F) {
                    out.append((char) b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    lower = b == 0xE0 ? 0xA0 : 0x80;
                    upper = b == 0xED ? 0x9F : 0xBF;
                    needed = 2;
                    codePoint = b & 0xF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    lower = b == 0xF0 ? 0x90 : 0x80;
                    upper = b == 0xF4 ? 0x8F : 0xBF;
                    needed = 3;
                    codePoint = b & 0x7;
                } else {
                    out.append('\uFFFD');
                }
                continue;
            }
            if (b < lower || b > upper) {
                out.append('\uFFFD'); // the sequence so far; this byte starts afresh
                needed = 0;
                seen = 0;
                i--;
            } else {
                codePoint = codePoint << 6 | b & 0x3F;
                if (++seen == needed) {
                    out.appendCodePoint(codePoint);
                    needed = 0;
                    seen = 0;
                }
            }
            lower = 0x80;
            upper = 0xBF;
        }
        if (needed != 0) {
            out.append('\uFFFD');
        }
        return out.toString();
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
