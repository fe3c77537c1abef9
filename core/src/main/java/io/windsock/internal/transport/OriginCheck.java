package io.windsock.internal.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.windsock.engine.CorsOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Decides whether a WebSocket request may open, from its {@code Origin} header (against cross-site
 * WebSocket hijacking: browsers send WebSocket requests to any origin, cookies included, and CORS does
 * not stop them). Accepted: no {@code Origin} (not a browser page), a same-origin page (the origin's
 * host and port are those of the {@code Host} header), an origin the CORS settings allow, or anything
 * when the check is off. Thread-safe and stateless.
 */
public final class OriginCheck {
    private final CorsOptions cors;
    private final boolean enabled;

    public OriginCheck(CorsOptions cors, boolean enabled) {
        this.cors = cors;
        this.enabled = enabled;
    }

    /**
     * @param secure whether this server terminated TLS for the request: a same-origin page must then
     *               be an https one (an http page of the same host, which a network attacker can
     *               write, is another origin, as browsers count origins)
     */
    public boolean allowsWebSocket(HttpHeaders headers, boolean secure) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (!enabled || origin == null) {
            return true;
        }
        if (cors != null && cors.allowOriginFor(origin) != null) {
            return true;
        }
        return isSameOrigin(origin, headers.get(HttpHeaderNames.HOST), secure);
    }

    /** {@link #isSameOrigin(String, String, boolean)} for a request over plain HTTP (or TLS ended by a proxy). */
    static boolean isSameOrigin(String origin, String host) {
        return isSameOrigin(origin, host, false);
    }

    /**
     * Whether {@code origin} ({@code scheme://host[:port]}) names the host and port of a {@code Host}
     * header. A port left out on either side is the origin scheme's default (browsers leave it out of
     * both for 80 and 443). An opaque origin ({@code null}, from sandboxed frames and files) is never same-origin.
     */
    static boolean isSameOrigin(String origin, String host, boolean secure) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        URI originUri;
        URI hostUri;
        try {
            originUri = new URI(origin);
            hostUri = new URI("http://" + host);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = originUri.getScheme();
        if (scheme == null || originUri.getHost() == null || hostUri.getHost() == null
                || hostUri.getRawPath() != null && !hostUri.getRawPath().isEmpty()
                || hostUri.getRawUserInfo() != null || hostUri.getRawQuery() != null) {
            return false;
        }
        int defaultPort = defaultPort(scheme.toLowerCase(Locale.ROOT));
        if (defaultPort < 0 || secure && defaultPort != 443) {
            return false;
        }
        int originPort = originUri.getPort() < 0 ? defaultPort : originUri.getPort();
        int hostPort = hostUri.getPort() < 0 ? defaultPort : hostUri.getPort();
        return originPort == hostPort && originUri.getHost().equalsIgnoreCase(hostUri.getHost());
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }
}
