package io.windsock.internal.carrier;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query string a client put in a CONNECT (Socket.IO 2.x and 0.9 clients: {@code /chat?token=1}),
 * decoded as Node's {@code querystring} does: parameters are split on {@code &} only (a semicolon is
 * part of a value, where Netty's decoder would split by default), and a malformed escape keeps its
 * component as sent rather than failing (Netty's decoder throws on one, out of the packet's handling).
 */
public final class LenientQuery {
    private LenientQuery() {
    }

    /** @return the parameters, in order, each with its values; at most {@code maxParams} of them */
    public static Map<String, List<String>> parameters(String query, int maxParams) {
        try {
            return new QueryStringDecoder(query, StandardCharsets.UTF_8, false, maxParams, true).parameters();
        } catch (IllegalArgumentException malformed) {
            Map<String, List<String>> parameters = new LinkedHashMap<>();
            for (String pair : query.split("&")) {
                if (parameters.size() == maxParams) {
                    break;
                }
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = component(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : component(pair.substring(equals + 1));
                parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
            return parameters;
        }
    }

    private static String component(String text) {
        try {
            return QueryStringDecoder.decodeComponent(text);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }
}
