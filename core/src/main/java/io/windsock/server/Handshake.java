package io.windsock.server;

import io.windsock.engine.EngineRequest;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the client sent when it connected to a namespace: the HTTP request that opened its
 * connection (headers, query, cookies, address) and the namespace CONNECT's auth payload. Immutable.
 */
public final class Handshake {
    private final EngineRequest request;
    private final Map<String, Object> auth;
    /** {@link #time()} as its two parts (no Instant kept per socket); {@code nano} is -1 for no time. */
    private final long epochSecond;
    private final int nano;
    private final Map<String, String> cookies;

    public Handshake(EngineRequest request, Map<String, Object> auth, Instant time) {
        this.request = request;
        this.auth = auth == null || auth.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(auth));
        this.epochSecond = time == null ? 0 : time.getEpochSecond();
        this.nano = time == null ? -1 : time.getNano();
        this.cookies = parseCookies(request.header("cookie"));
    }

    /** @return the headers, names in lower case, each with all its values. */
    public Map<String, List<String>> headers() {
        return request.headers();
    }

    /** @return the first value of a header (any case), or {@code null}. */
    public String header(String name) {
        return request.header(name);
    }

    /** @return the query parameters of the connection's first request (EIO, transport, t included). */
    public Map<String, List<String>> query() {
        return request.query();
    }

    /** @return the first value of a query parameter, or {@code null}. */
    public String query(String name) {
        return request.queryParam(name);
    }

    /** @return the cookies of the connection's first request. */
    public Map<String, String> cookies() {
        return cookies;
    }

    /** @return a cookie's value, or {@code null}. */
    public String cookie(String name) {
        return cookies.get(name);
    }

    /** @return the auth payload of the namespace CONNECT ({@code io({auth: {...}})}), empty when none. */
    public Map<String, Object> auth() {
        return auth;
    }

    /** @return the client's address (the TCP peer; a proxy's headers are in {@link #headers()}). */
    public InetSocketAddress address() {
        return request.remoteAddress();
    }

    /** @return when the socket asked to connect. */
    public Instant time() {
        return nano < 0 ? null : Instant.ofEpochSecond(epochSecond, nano);
    }

    /** @return the request target of the connection's first request. */
    public String url() {
        return request.uri();
    }

    /** @return whether the connection uses TLS. */
    public boolean secure() {
        return request.secure();
    }

    /** @return whether the request came from another origin (an {@code Origin} header was sent). */
    public boolean crossDomain() {
        return request.header("origin") != null;
    }

    /** @return the underlying engine request. */
    public EngineRequest request() {
        return request;
    }

    private static Map<String, String> parseCookies(String header) {
        if (header == null || header.isEmpty()) {
            return Map.of();
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            cookies.putIfAbsent(name, decode(value));
        }
        return Collections.unmodifiableMap(cookies);
    }

    private static String decode(String value) {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    @Override
    public String toString() {
        return "Handshake[" + address() + " " + url() + "]";
    }
}
