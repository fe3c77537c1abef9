package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.windsock.engine.CorsOptions;
import org.junit.jupiter.api.Test;

class OriginCheckTest {
    @Test
    void sameOriginComparesHostAndPortWithDefaultPortsFilledIn() {
        assertTrue(OriginCheck.isSameOrigin("http://localhost:8001", "localhost:8001"));
        assertTrue(OriginCheck.isSameOrigin("https://Example.COM", "example.com"));
        assertTrue(OriginCheck.isSameOrigin("https://example.com", "example.com:443"));
        assertTrue(OriginCheck.isSameOrigin("http://example.com:80", "example.com"));
        assertTrue(OriginCheck.isSameOrigin("http://[::1]:8001", "[::1]:8001"));

        assertFalse(OriginCheck.isSameOrigin("http://localhost:8002", "localhost:8001"));
        assertFalse(OriginCheck.isSameOrigin("https://example.com", "example.com:80"));
        assertFalse(OriginCheck.isSameOrigin("https://evil.example", "good.example"));
        assertFalse(OriginCheck.isSameOrigin("https://good.example.evil.example", "good.example"));
        assertFalse(OriginCheck.isSameOrigin("null", "good.example"));
        assertFalse(OriginCheck.isSameOrigin("file://", "good.example"));
        assertFalse(OriginCheck.isSameOrigin("chrome-extension://abc", "abc"));
        assertFalse(OriginCheck.isSameOrigin("https://good.example", null));
        assertFalse(OriginCheck.isSameOrigin("https://good.example", ""));
        assertFalse(OriginCheck.isSameOrigin("https://good.example", "good.example/path"));
        assertFalse(OriginCheck.isSameOrigin("https://good.example", "user@good.example"));
        assertFalse(OriginCheck.isSameOrigin("https://good.example", "good example"));
    }

    /** Over TLS that this server ends, an http page of the same host is another origin (a network attacker can write it). */
    @Test
    void overTlsOnlyAnHttpsPageIsSameOrigin() {
        OriginCheck check = new OriginCheck(null, true);
        assertTrue(check.allowsWebSocket(headers("https://example.com", "example.com"), true));
        assertTrue(check.allowsWebSocket(headers("https://example.com:8443", "example.com:8443"), true));
        assertFalse(check.allowsWebSocket(headers("http://example.com", "example.com"), true));
        assertFalse(check.allowsWebSocket(headers("http://example.com:8443", "example.com:8443"), true));
        // Plain HTTP here (TLS, if any, ended by a proxy): the page's scheme cannot be checked.
        assertTrue(check.allowsWebSocket(headers("http://example.com", "example.com"), false));
        assertTrue(check.allowsWebSocket(headers("https://example.com", "example.com"), false));
    }

    @Test
    void corsAllowedOriginsAndOriginlessRequestsPass() {
        OriginCheck check = new OriginCheck(CorsOptions.allowOrigins("https://good.example").build(), true);
        assertTrue(check.allowsWebSocket(headers(null, "server.example"), false));
        assertTrue(check.allowsWebSocket(headers("https://good.example", "server.example"), false));
        assertTrue(check.allowsWebSocket(headers("https://server.example", "server.example"), false));
        assertFalse(check.allowsWebSocket(headers("https://evil.example", "server.example"), false));

        OriginCheck off = new OriginCheck(null, false);
        assertTrue(off.allowsWebSocket(headers("https://evil.example", "server.example"), false));
        OriginCheck none = new OriginCheck(null, true);
        assertFalse(none.allowsWebSocket(headers("https://evil.example", "server.example"), false));
        assertTrue(none.allowsWebSocket(headers("https://server.example", "server.example"), false));
    }

    private static HttpHeaders headers(String origin, String host) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (origin != null) {
            headers.set("Origin", origin);
        }
        headers.set("Host", host);
        return headers;
    }
}
