package io.windsock.internal.dispatch;

import io.windsock.internal.log.LogSafe;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders incoming values for log lines and error acks: JSON-like, binary shown by size, characters
 * that could forge or hide log text escaped, and cut at a bounded length so a huge or hostile
 * payload cannot flood the log.
 */
final class ValueText {
    static final int MAX = 200;

    private ValueText() {
    }

    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.length() <= MAX ? out.toString() : out.substring(0, MAX) + "...";
    }

    private static void append(StringBuilder out, Object value) {
        if (out.length() > MAX) {
            return;
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            out.append('"');
            for (int i = 0; i < s.length() && out.length() <= MAX; i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    out.append(c).append(s.charAt(++i)); // a pair is one visible character
                } else if (LogSafe.needsEscape(c)) {
                    // Line separators, bidi overrides, C1 controls: a log line or a client's display could be forged
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        } else if (value instanceof byte[] bytes) {
            out.append("<binary ").append(bytes.length).append(" bytes>");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext() && out.length() <= MAX) {
                Map.Entry<?, ?> e = it.next();
                append(out, String.valueOf(e.getKey()));
                out.append(": ");
                append(out, e.getValue());
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext() && out.length() <= MAX) {
                append(out, it.next());
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else {
            out.append(value);
        }
    }
}
