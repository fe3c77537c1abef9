package io.windsock.internal.transport;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.windsock.internal.collect.CompactMultimap;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query of a request URI as a map, decoded from the URI on each use: every session keeps its
 * handshake's URI anyway and few applications read the query, so no decoded copy is kept beside it.
 * Split on {@code &} only, as Node splits it (engine.io's {@code URLSearchParams}, 3.x's and 0.9's
 * {@code querystring}): {@code token=a;b} is {@code a;b}, where Netty's decoder by default would end
 * the value at the semicolon; otherwise as {@link QueryStringDecoder} decodes. Immutable.
 */
public final class UriQuery extends AbstractMap<String, List<String>> implements CompactMultimap {
    /** As QueryStringDecoder's default. */
    static final int MAX_PARAMS = 1024;
    private final String uri;

    UriQuery(String uri) {
        this.uri = uri;
    }

    private Map<String, List<String>> decoded() {
        Map<String, List<String>> parameters = parameters(uri);
        Map<String, List<String>> copy = new LinkedHashMap<>(Math.max(4, parameters.size() * 2));
        parameters.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(copy);
    }

    /** @return the query's parameters as Node reads them: see the class comment */
    public static Map<String, List<String>> parameters(String uri) {
        return new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, MAX_PARAMS, true).parameters();
    }

    @Override
    public List<String> get(Object key) {
        return decoded().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return decoded().containsKey(key);
    }

    @Override
    public int size() {
        return decoded().size();
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return decoded().entrySet();
    }
}
