package io.windsock.internal.log;

/**
 * Client-controlled text (namespace and event names, decoder complaints) made safe for a log line:
 * cut to a bounded length and with every control or invisible character escaped, so a client cannot
 * forge log lines with CR/LF, hide text with terminal escapes, or fill the log with a megabyte name.
 */
public final class LogSafe {
    /** The most characters of a client string kept in a log line. */
    public static final int MAX_CHARS = 100;

    private LogSafe() {
    }

    /**
     * @return the text with control, format, separator and unpaired surrogate characters written as
     *         {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}, cut after {@value #MAX_CHARS}
     *         characters with {@code …(N chars)} telling the full length; {@code "null"} for null.
     *         Backslashes are kept as they are, so text made safe once is unchanged by a second pass
     *         (a message built from safe parts can be passed through again at the end).
     */
    public static String text(CharSequence text) {
        return text(text, MAX_CHARS);
    }

    /** {@link #text(CharSequence)} with another length bound, for whole messages. */
    public static String text(CharSequence text, int maxChars) {
        if (text == null) {
            return "null";
        }
        int length = text.length();
        int keep = Math.min(length, maxChars);
        if (keep > 0 && keep < length && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never cut a pair in two
        }
        StringBuilder out = null;
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < keep && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (needsEscape(c)) {
                if (out == null) {
                    out = new StringBuilder(keep + 16).append(text, 0, i);
                }
                escape(out, c);
            } else if (out != null) {
                out.append(c);
            }
        }
        String safe = out != null ? out.toString() : text.subSequence(0, keep).toString();
        return keep < length ? safe + "…(" + length + " chars)" : safe;
    }

    /**
     * @return whether a character is escaped in log text: controls (DEL and C1 too), format
     *         characters (bidi overrides), line and paragraph separators, unassigned and private-use
     *         ones, and surrogates (callers pass paired ones through before asking)
     */
    public static boolean needsEscape(char c) {
        if (c < 0x20 || c == 0x7f) {
            return true;
        }
        if (c < 0x80) {
            return false;
        }
        if (Character.isSurrogate(c)) {
            return true; // only unpaired ones reach here
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(String.format("\\u%04x", (int) c));
        }
    }
}
