package io.windsock.internal.sio1;

/** JavaScript string literals for payloads written into scripts (JSONP and htmlfile). */
final class Sio1Script {
    private Sio1Script() {
    }

    /**
     * A double-quoted JavaScript string holding {@code text}. Besides JSON's escapes, {@code <} and
     * {@code >} are written as Unicode escapes (hex 003c, 003e) and {@code /} as {@code \/}, so
     * the literal holds no markup the HTML tokenizer sees inside a script element: no {@code </script>}
     * that ends it early, and no {@code <!--} followed by {@code <script>}, which puts the tokenizer in
     * its "script data double escaped" state, where the page's own {@code </script>} no longer ends the
     * element and the rest of an htmlfile stream is swallowed. JavaScript reads each escape as the
     * character itself. U+2028/U+2029, which older JavaScript does not accept inside a string, are
     * escaped too.
     */
    static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !pairedAt(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Whether the surrogate at {@code i} is half of a valid pair (a lone one cannot be written as UTF-8). */
    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
