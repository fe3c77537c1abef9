package io.windsock.internal.json;

/**
 * Unpaired UTF-16 surrogates in JSON text. A Java string (like a JavaScript one) may hold a lone
 * surrogate, e.g. from the escape {@code \\ud800} in a client's JSON; UTF-8 cannot encode it and Java's encoder
 * turns it into {@code ?}. Written as a {@code \\uXXXX} escape, as {@code JSON.stringify} has done
 * since ES2019 (Node 12), it reaches the client intact.
 */
final class Surrogates {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Surrogates() {
    }

    /**
     * @param json JSON text; its non-ASCII characters can only be inside string literals
     * @return the text with every unpaired surrogate escaped (the same instance when there is none)
     */
    static String escapeUnpaired(String json) {
        int n = json.length();
        int i = 0;
        while (i < n) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                i += 2;
            } else if (Character.isSurrogate(c)) {
                break;
            } else {
                i++;
            }
        }
        if (i == n) {
            return json;
        }
        StringBuilder out = new StringBuilder(n + 12).append(json, 0, i);
        while (i < n) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                out.append(c).append(json.charAt(i + 1));
                i += 2;
                continue;
            }
            if (Character.isSurrogate(c)) {
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }
}
