package io.windsock.internal.transport;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The request target of an Engine.IO request, read the way Netty's {@link QueryStringDecoder} reads
 * it (separators {@code &} and {@code ;}, {@code +} as space, at most 1,024 parameters, a malformed
 * escape anywhere in them an {@link IllegalArgumentException}), but keeping only the first value of
 * the parameters the engine reads: no parameter map on every poll. The handshake, which keeps the
 * whole query, still decodes it with {@link QueryStringDecoder}.
 */
final class EngineQuery {
    /** As QueryStringDecoder's default. */
    private static final int MAX_PARAMS = 1024;
    private static final String[] NAMES = {"EIO", "transport", "sid", "j", "b64"};
    private static final int EIO = 0;
    private static final int TRANSPORT = 1;
    private static final int SID = 2;
    private static final int JSONP = 3;
    private static final int B64 = 4;

    private final String uri;
    private final int pathEnd;
    private final String[] values = new String[NAMES.length];
    private boolean parsed;

    EngineQuery(String uri) {
        this.uri = uri;
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        this.pathEnd = end;
    }

    /** @return the decoded path, as {@link QueryStringDecoder#path()} */
    String path() {
        if (uri.lastIndexOf('%', pathEnd - 1) < 0) {
            return uri.substring(0, pathEnd);
        }
        return new QueryStringDecoder(uri).path();
    }

    String eio() {
        return value(EIO);
    }

    String transport() {
        return value(TRANSPORT);
    }

    String sid() {
        return value(SID);
    }

    /** @return the JSONP index parameter {@code j}, or null */
    String jsonp() {
        return value(JSONP);
    }

    /** @return {@code b64}, or null */
    String b64() {
        return value(B64);
    }

    private String value(int index) {
        if (!parsed) {
            parse();
            parsed = true;
        }
        return values[index];
    }

    /** QueryStringDecoder.decodeParams, deciding per parameter whether it is one of ours. */
    private void parse() {
        String s = uri;
        int len = s.length();
        int from = pathEnd;
        if (from >= len) {
            return;
        }
        if (s.charAt(from) == '?') {
            from++;
        }
        int limit = MAX_PARAMS;
        int nameStart = from;
        int valueStart = -1;
        int i;
        loop:
        for (i = from; i < len; i++) {
            switch (s.charAt(i)) {
                case '=' -> {
                    if (nameStart == i) {
                        nameStart = i + 1;
                    } else if (valueStart < nameStart) {
                        valueStart = i + 1;
                    }
                }
                case '&', ';' -> {
                    if (param(nameStart, valueStart, i) && --limit == 0) {
                        return;
                    }
                    nameStart = i + 1;
                }
                case '#' -> {
                    break loop;
                }
                default -> {
                }
            }
        }
        param(nameStart, valueStart, i);
    }

    private boolean param(int nameStart, int valueStart, int valueEnd) {
        if (nameStart >= valueEnd) {
            return false;
        }
        if (valueStart <= nameStart) {
            valueStart = valueEnd + 1;
        }
        int nameEnd = valueStart - 1;
        checkEscapes(nameStart, nameEnd);
        checkEscapes(valueStart, valueEnd);
        int index = indexOf(nameStart, nameEnd);
        if (index >= 0 && values[index] == null) {
            values[index] = valueStart >= valueEnd ? ""
                    : QueryStringDecoder.decodeComponent(uri.substring(valueStart, valueEnd));
        }
        return true;
    }

    private int indexOf(int start, int end) {
        String name = null;
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '%' || c == '+') {
                name = QueryStringDecoder.decodeComponent(uri.substring(start, end));
                break;
            }
        }
        for (int n = 0; n < NAMES.length; n++) {
            String candidate = NAMES[n];
            if (name != null ? candidate.equals(name)
                    : candidate.length() == end - start && uri.regionMatches(start, candidate, 0, end - start)) {
                return n;
            }
        }
        return -1;
    }

    /** Refuses what QueryStringDecoder's decoding refuses: a {@code %} not followed by two hex digits. */
    private void checkEscapes(int start, int end) {
        for (int i = start; i < end; i++) {
            if (uri.charAt(i) != '%') {
                continue;
            }
            if (i + 3 > end || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
                throw new IllegalArgumentException("malformed escape sequence at index " + i + " of the query");
            }
            i += 2;
        }
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
