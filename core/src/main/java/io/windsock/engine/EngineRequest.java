package io.windsock.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opened a session (its handshake), as the application sees it. Immutable.
 *
 * @param method        the HTTP method
 * @param uri           the request target as sent, path and query
 * @param query         the query parameters, each with all its values in order
 * @param headers       the headers, names in lower case, each with all its values in order
 * @param remoteAddress the peer's address (the TCP peer: proxies are not trusted)
 * @param secure        whether the connection used TLS
 */
public record EngineRequest(String method, String uri, Map<String, List<String>> query,
                            Map<String, List<String>> headers, InetSocketAddress remoteAddress, boolean secure) {
    public EngineRequest {
        // Packed: every session keeps its handshake, few applications read it.
        query = PackedMultimap.copyOf(query);
        headers = PackedMultimap.copyOf(headers);
    }

    /** @return the first value of a query parameter, or {@code null}. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return the first value of a header (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
