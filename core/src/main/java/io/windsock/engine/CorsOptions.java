package io.windsock.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Cross-origin settings for the HTTP endpoints (long-polling and the handshake), like the {@code cors}
 * option of the Node server. Immutable. Without it no CORS headers are sent, so browsers only allow
 * same-origin pages.
 *
 * <p>The allowed origins also decide which WebSockets open from pages of other origins (browsers do
 * not apply CORS to WebSockets, so the server checks): a WebSocket whose {@code Origin} is neither
 * same-origin nor allowed here is refused with 403 (see {@link WindsockOptions.Builder#checkWebSocketOrigin};
 * {@link #anyOrigin()} accepts every origin). Unlike the Node server, which leaves WebSockets unchecked.
 *
 * <p>Defaults once enabled: methods {@code GET,HEAD,PUT,PATCH,POST,DELETE}; allowed headers: those the
 * preflight asks for; no credentials; no exposed headers; no max age.
 */
public final class CorsOptions {
    private final Predicate<String> origin;
    private final boolean anyOrigin;
    private final boolean credentials;
    private final List<String> methods;
    private final List<String> allowedHeaders;
    private final List<String> exposedHeaders;
    private final Duration maxAge;

    private CorsOptions(Builder b) {
        this.origin = b.origin;
        this.anyOrigin = b.anyOrigin;
        this.credentials = b.credentials;
        this.methods = List.copyOf(b.methods);
        this.allowedHeaders = b.allowedHeaders == null ? null : List.copyOf(b.allowedHeaders);
        this.exposedHeaders = List.copyOf(b.exposedHeaders);
        this.maxAge = b.maxAge;
    }

    /** Any origin, answered with {@code Access-Control-Allow-Origin: *} (no credentials possible). */
    public static CorsOptions anyOrigin() {
        Builder b = builder();
        b.anyOrigin = true;
        b.origin = o -> true;
        return b.build();
    }

    /** Exactly these origins (e.g. {@code "https://example.com"}), each echoed back when it matches. */
    public static Builder allowOrigins(String... origins) {
        List<String> allowed = List.of(origins);
        return builder().origin(allowed::contains);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.origin = origin;
        b.anyOrigin = anyOrigin;
        b.credentials = credentials;
        b.methods = methods;
        b.allowedHeaders = allowedHeaders;
        b.exposedHeaders = exposedHeaders;
        b.maxAge = maxAge;
        return b;
    }

    /** @return the value of {@code Access-Control-Allow-Origin} for a request's origin, or {@code null} to send none. */
    public String allowOriginFor(String requestOrigin) {
        if (anyOrigin) {
            return "*";
        }
        return requestOrigin != null && origin.test(requestOrigin) ? requestOrigin : null;
    }

    public boolean credentials() {
        return credentials;
    }

    public List<String> methods() {
        return methods;
    }

    /** @return the allowed request headers, or {@code null} to reflect what the preflight asks for. */
    public List<String> allowedHeaders() {
        return allowedHeaders;
    }

    public List<String> exposedHeaders() {
        return exposedHeaders;
    }

    /** @return how long browsers may cache a preflight answer, or {@code null}. */
    public Duration maxAge() {
        return maxAge;
    }

    public static final class Builder {
        private Predicate<String> origin = o -> false;
        private boolean anyOrigin;
        private boolean credentials;
        private List<String> methods = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE");
        private List<String> allowedHeaders;
        private List<String> exposedHeaders = List.of();
        private Duration maxAge;

        private Builder() {
        }

        /** Origins allowed, echoed back when the predicate accepts them. */
        public Builder origin(Predicate<String> allowed) {
            origin = Objects.requireNonNull(allowed, "allowed");
            anyOrigin = false;
            return this;
        }

        public Builder credentials(boolean allow) {
            credentials = allow;
            return this;
        }

        public Builder methods(String... names) {
            methods = List.of(names);
            return this;
        }

        public Builder allowedHeaders(String... names) {
            allowedHeaders = List.of(names);
            return this;
        }

        public Builder exposedHeaders(String... names) {
            exposedHeaders = List.of(names);
            return this;
        }

        public Builder maxAge(Duration age) {
            maxAge = age;
            return this;
        }

        public CorsOptions build() {
            if (anyOrigin && credentials) {
                throw new IllegalStateException("browsers refuse credentials with a wildcard origin; list the origins");
            }
            return new CorsOptions(this);
        }
    }
}
