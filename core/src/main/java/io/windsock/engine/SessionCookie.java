package io.windsock.engine;

import java.time.Duration;
import java.util.Locale;

/**
 * The cookie a long-polling handshake's response sets, holding the new session's id: the
 * {@code cookie} option of the Node server (engine.io), for load balancers that route a client's
 * requests by cookie, such as HAProxy's {@code cookie io prefix nocache}. Set with
 * {@link EngineOptions.Builder#cookie}; off by default, as in engine.io.
 *
 * <p>As engine.io 6 sets it: on the response to a long-polling handshake only (Engine.IO v4 and v3,
 * JSONP too), never on later requests nor on a WebSocket opened directly (such a client needs no
 * stickiness: its one connection carries the whole session). The value is the session id, URL-safe
 * base64. {@link #defaults()} writes {@code io=<sid>; Path=/; HttpOnly; SameSite=Lax}, engine.io's
 * {@code cookie: true}; attributes in engine.io's order (Max-Age, Domain, Path, HttpOnly, Secure,
 * SameSite). Immutable.
 */
public final class SessionCookie {
    /** The {@code SameSite} attribute. */
    public enum SameSite { LAX, STRICT, NONE }

    private final String name;
    private final String path;
    private final String domain;
    private final Duration maxAge;
    private final boolean httpOnly;
    private final boolean secure;
    private final SameSite sameSite;

    private SessionCookie(Builder b) {
        this.name = b.name;
        this.path = b.path;
        this.domain = b.domain;
        this.maxAge = b.maxAge;
        this.httpOnly = b.httpOnly;
        this.secure = b.secure;
        this.sameSite = b.sameSite;
    }

    /** @return engine.io's {@code cookie: true}: {@code io}, path {@code /}, HttpOnly, SameSite=Lax */
    public static SessionCookie defaults() {
        return builder().build();
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /** @return the {@code Set-Cookie} header's value for a session */
    public String headerValue(String sessionId) {
        StringBuilder header = new StringBuilder(name).append('=').append(sessionId);
        if (maxAge != null) {
            header.append("; Max-Age=").append(maxAge.toSeconds());
        }
        if (domain != null) {
            header.append("; Domain=").append(domain);
        }
        if (path != null) {
            header.append("; Path=").append(path);
        }
        if (httpOnly) {
            header.append("; HttpOnly");
        }
        if (secure) {
            header.append("; Secure");
        }
        if (sameSite != null) {
            String value = sameSite.name().toLowerCase(Locale.ROOT);
            header.append("; SameSite=").append(Character.toUpperCase(value.charAt(0))).append(value, 1, value.length());
        }
        return header.toString();
    }

    @Override
    public String toString() {
        return headerValue("<sid>");
    }

    public static final class Builder {
        private String name = "io";
        private String path = "/";
        private String domain;
        private Duration maxAge;
        private boolean httpOnly = true;
        private boolean secure;
        private SameSite sameSite = SameSite.LAX;

        private Builder() {
        }

        /** The cookie's name, an RFC 6265 token; default {@code io}. */
        public Builder name(String name) {
            if (name == null || name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("not a cookie name (an RFC 6265 token): " + name);
            }
            this.name = name;
            return this;
        }

        /** The {@code Path} attribute; default {@code /}; null for none. */
        public Builder path(String path) {
            this.path = attribute("path", path);
            return this;
        }

        /** The {@code Domain} attribute; default none. */
        public Builder domain(String domain) {
            this.domain = attribute("domain", domain);
            return this;
        }

        /** The {@code Max-Age} attribute, in whole seconds; default none (a session cookie). */
        public Builder maxAge(Duration maxAge) {
            if (maxAge != null && maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** Whether it is {@code HttpOnly} (pages' scripts cannot read it); default true. */
        public Builder httpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
            return this;
        }

        /** Whether it is {@code Secure} (sent over https only); default false. */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** The {@code SameSite} attribute; default {@code LAX}; null for none. */
        public Builder sameSite(SameSite sameSite) {
            this.sameSite = sameSite;
            return this;
        }

        public SessionCookie build() {
            return new SessionCookie(this);
        }

        private static String attribute(String what, String value) {
            if (value != null && (value.isEmpty()
                    || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';' && c != ','))) {
                throw new IllegalArgumentException("not a cookie " + what + ": " + value);
            }
            return value;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
