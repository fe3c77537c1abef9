package io.windsock.internal.transport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSONP polling of Engine.IO v3 ({@code j=<index>}): a poll is answered with a script that calls
 * {@code ___eio[index]("<payload>")}; a POST carries the payload as the form field {@code d}, its
 * newlines escaped by the client. As engine.io does it, except that an index with anything but digits
 * is refused (engine.io strips the other characters) rather than echoed into a script.
 */
final class Jsonp {
    static final String CONTENT_TYPE = "text/javascript; charset=UTF-8";
    /** Client indexes count the pages' pending JSONP transports: a handful of digits at most. */
    private static final int MAX_INDEX_DIGITS = 9;
    /** An escaped newline, {@code \n}, unless its backslash is itself escaped ({@code \\n}). */
    private static final Pattern SLASHES = Pattern.compile("(\\\\)?\\\\n");
    private static final Pattern DOUBLE_SLASHES = Pattern.compile("\\\\\\\\n");

    private Jsonp() {
    }

    /** @return whether {@code index} may be a JSONP index (1 to 9 ASCII digits) */
    static boolean isValidIndex(String index) {
        if (index.isEmpty() || index.length() > MAX_INDEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < index.length(); i++) {
            if (index.charAt(i) < '0' || index.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The script answering a poll: the payload as a JavaScript string literal. JSON's escaping plus
     * U+2028 and U+2029, which JSON allows raw in strings and older JavaScript does not.
     */
    static String script(String index, String payload) {
        StringBuilder out = new StringBuilder(payload.length() + 16).append("___eio[").append(index).append("](\"");
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append("\");").toString();
    }

    /**
     * @param form a POST body, {@code application/x-www-form-urlencoded}
     * @return the payload in its {@code d} field with the client's newline escaping undone, or
     *         {@code null} when there is none (engine.io then ignores the body)
     */
    static String payload(byte[] form) {
        String d = FormField.d(form);
        if (d == null) {
            return null;
        }
        Matcher m = SLASHES.matcher(d);
        StringBuilder unescaped = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(unescaped, m.group(1) != null ? Matcher.quoteReplacement(m.group()) : "\n");
        }
        m.appendTail(unescaped);
        return DOUBLE_SLASHES.matcher(unescaped).replaceAll(Matcher.quoteReplacement("\\n"));
    }
}
