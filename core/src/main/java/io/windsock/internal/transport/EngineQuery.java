package io.windsock.internal.transport;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The request target of an Engine.IO request, read as {@link UriQuery} reads the whole query
 * (Node's separator {@code &} alone: a semicolon is part of a value, {@code +} as space, at most
 * 1,024 parameters, a malformed escape anywhere in them an {@link IllegalArgumentException}), but
 * keeping only the value of the parameters the engine reads: no parameter map on every poll. Of a
 * repeated name the last value counts, as engine.io 6 reads them ({@code Object.fromEntries} of the
 * URL's search parameters).
 */
final class EngineQuery {
    private static final int MAX_PARAMS = UriQuery.MAX_PARAMS;
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

    /** @return the path as sent, escapes not decoded */
    String rawPath() {
        return uri.substring(0, pathEnd);
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

    /**
     * QueryStringDecoder.decodeParams in one pass: escapes are checked as they are met (a {@code %}
     * must be followed by two hex digits, which are never separators, so this is the decoder's
     * per-component check), and only our parameters' values are decoded.
     */
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
        boolean nameEscaped = false;
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
                case '&' -> {
                    if (param(nameStart, valueStart, i, nameEscaped) && --limit == 0) {
                        return;
                    }
                    nameStart = i + 1;
                    nameEscaped = false;
                }
                case '#' -> {
                    break loop;
                }
                case '%' -> {
                    if (i + 2 >= len || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                        throw new IllegalArgumentException("malformed escape sequence at index " + i + " of the query");
                    }
                    nameEscaped |= valueStart < nameStart;
                    i += 2;
                }
                case '+' -> nameEscaped |= valueStart < nameStart;
                default -> {
                }
            }
        }
        param(nameStart, valueStart, i, nameEscaped);
    }

    private boolean param(int nameStart, int valueStart, int valueEnd, boolean nameEscaped) {
        if (nameStart >= valueEnd) {
            return false;
        }
        if (valueStart <= nameStart) {
            valueStart = valueEnd + 1;
        }
        int nameEnd = valueStart - 1;
        int index = indexOf(nameStart, nameEnd, nameEscaped);
        if (index >= 0) { // the last of a repeated name, as engine.io's Object.fromEntries(searchParams)
            values[index] = valueStart >= valueEnd ? ""
                    : QueryStringDecoder.decodeComponent(uri.substring(valueStart, valueEnd));
        }
        return true;
    }

    private int indexOf(int start, int end, boolean escaped) {
        String name = escaped ? QueryStringDecoder.decodeComponent(uri.substring(start, end)) : null;
        int length = end - start;
        for (int n = 0; n < NAMES.length; n++) {
            String candidate = NAMES[n];
            if (name != null ? candidate.equals(name)
                    : candidate.length() == length && uri.regionMatches(start, candidate, 0, length)) {
                return n;
            }
        }
        return -1;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
