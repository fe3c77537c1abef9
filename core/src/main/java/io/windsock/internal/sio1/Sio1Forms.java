package io.windsock.internal.sio1;

import io.windsock.internal.transport.FormField;

/** The jsonp-polling POST body: a form whose field {@code d} holds the payload, JSON-stringified by the client. */
final class Sio1Forms {
    private Sio1Forms() {
    }

    /**
     * @return the payload, or null when the form has no {@code d}, has it twice, or its value is not a
     *     valid JSON string; the form read as the 0.9 server reads it (see {@link FormField})
     */
    static String jsonpPayload(byte[] body) {
        String d = FormField.d(body);
        if (d == null) {
            return null;
        }
        return d.startsWith("\"") ? unquote(d) : d;
    }

    /** A JSON string literal's value, or null. Hand-written: the only JSON this body may hold. */
    static String unquote(String literal) {
        if (literal.length() < 2 || literal.charAt(literal.length() - 1) != '"') {
            return null;
        }
        StringBuilder out = new StringBuilder(literal.length());
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c == '"') {
                return null;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= literal.length() - 1) {
                return null;
            }
            char e = literal.charAt(i);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 4 > literal.length() - 2) {
                        return null;
                    }
                    int code = 0;
                    for (int j = i + 1; j <= i + 4; j++) {
                        int digit = Character.digit(literal.charAt(j), 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return out.toString();
    }
}
