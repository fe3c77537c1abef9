package io.windsock.internal.protocol;

import java.util.Objects;

/**
 * A packet's data already written as JSON, which {@link SocketPacketEncoder} puts on the wire as it
 * is: for the server's own small replies (the CONNECT reply, once per connection), which need no
 * object mapper.
 */
public record JsonText(String json) {
    public JsonText {
        Objects.requireNonNull(json, "json");
    }

    /**
     * @return {@code {"k1":"v1"}} or {@code {"k1":"v1","k2":"v2"}} (k2 left out when v2 is null), or
     *         null when a key or value has a character JSON would escape (the caller then uses a map)
     */
    public static JsonText ofStrings(String k1, String v1, String k2, String v2) {
        if (!plain(k1) || !plain(v1) || v2 != null && (!plain(k2) || !plain(v2))) {
            return null;
        }
        StringBuilder out = new StringBuilder(16 + k1.length() + v1.length()
                + (v2 == null ? 0 : k2.length() + v2.length()));
        out.append("{\"").append(k1).append("\":\"").append(v1).append('"');
        if (v2 != null) {
            out.append(",\"").append(k2).append("\":\"").append(v2).append('"');
        }
        return new JsonText(out.append('}').toString());
    }

    /** Printable ASCII without quote or backslash: written the same by every JSON writer. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
