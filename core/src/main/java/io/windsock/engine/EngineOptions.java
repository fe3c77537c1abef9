package io.windsock.engine;

import io.windsock.internal.options.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Engine.IO settings, immutable. Defaults are those of the Node {@code engine.io} server: ping every
 * 25 s, 20 s to answer, 10 s to finish an upgrade, 1 MB per message or request body, both
 * transports, upgrades allowed. One difference: Engine.IO v3 clients (socket.io-client 2.x) are served
 * by default ({@link #allowEIO3()}).
 *
 * <p>The builder's durations must be at least 1 ms (they are counted in milliseconds, as the
 * handshake advertises them): a shorter one is refused with {@link IllegalArgumentException}.
 */
public final class EngineOptions {
    public static final EngineOptions DEFAULT = builder().build();

    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    private final int maxHttpBufferSize;
    private final boolean allowUpgrades;
    private final boolean allowEIO3;
    private final boolean jsonp;
    private final Set<String> transports;
    private final int maxPacketsPerPayload;
    private final long maxPendingOutboundBytes;
    private final int maxPollResponseBytes;
    private final SessionCookie cookie;
    private final ResponseHeadersListener initialHeaders;
    private final ResponseHeadersListener headers;
    /** Whether {@link #maxPollResponseBytes} was set, or follows {@link #maxHttpBufferSize}. */
    private final boolean maxPollResponseBytesSet;

    private EngineOptions(Builder b) {
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.upgradeTimeout = b.upgradeTimeout;
        this.maxHttpBufferSize = b.maxHttpBufferSize;
        this.allowUpgrades = b.allowUpgrades;
        this.allowEIO3 = b.allowEIO3;
        this.jsonp = b.jsonp;
        this.transports = Set.copyOf(b.transports);
        this.maxPacketsPerPayload = b.maxPacketsPerPayload;
        this.maxPendingOutboundBytes = b.maxPendingOutboundBytes;
        this.maxPollResponseBytesSet = b.maxPollResponseBytes > 0;
        this.maxPollResponseBytes = maxPollResponseBytesSet ? b.maxPollResponseBytes : b.maxHttpBufferSize;
        this.cookie = b.cookie;
        this.initialHeaders = b.initialHeaders;
        this.headers = b.headers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** How often the server pings (default 25 s). */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long a client has to answer a ping before the session closes with "ping timeout" (default 20 s). */
    public Duration pingTimeout() {
        return pingTimeout;
    }

    /** How long a polling→WebSocket upgrade may take before the new transport is dropped (default 10 s). */
    public Duration upgradeTimeout() {
        return upgradeTimeout;
    }

    /**
     * The largest message, polling request body or WebSocket frame in bytes (default 1,000,000).
     * A larger body is refused with 413; a larger frame closes the WebSocket with status 1009.
     */
    public int maxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    /** Whether polling clients may upgrade to WebSocket (default true). */
    public boolean allowUpgrades() {
        return allowUpgrades;
    }

    /**
     * Whether clients of Engine.IO revision 3 (socket.io-client 1.x and 2.x, {@code EIO=3}) are served
     * beside revision 4 ones on the same port (default true; Node's engine.io defaults to false). When
     * false they get 400 "Unsupported protocol version", as from Node.
     */
    public boolean allowEIO3() {
        return allowEIO3;
    }

    /**
     * Whether Engine.IO v3 clients may long-poll through JSONP ({@code j=} in the query: a {@code <script>}
     * that calls {@code ___eio[j](...)}, for browsers without cross-origin XHR). Default false: a script
     * load carries no {@code Origin} header, so no origin check can stop a page of another site from
     * opening a session with its visitor's cookies and reading what the server sends. When false, a
     * {@code j=} request gets 400 "Bad request". Turn it on only if such clients must be served and the
     * connection's authority does not come from cookies.
     */
    public boolean jsonp() {
        return jsonp;
    }

    /** The transports clients may use: {@code "polling"}, {@code "websocket"} (default both). */
    public Set<String> transports() {
        return transports;
    }

    /**
     * The most packets of one long-polling request body decoded and delivered at a time (default 10,000).
     * A body with more is not refused (engine.io-client splits its POSTs by bytes only, v3 clients not at
     * all, and Node has no such limit): it is delivered in slices of this many, and when reading pauses
     * during a slice (inbound flow control, {@code WindsockOptions.Builder.maxQueuedEvents}) the rest of
     * the body and the POST's "ok" wait until reading resumes. So at most one slice arrives past a pause,
     * which the default queue bounds absorb (pause above 5,000 queued events, plus one slice of 10,000,
     * under the limit of 20,000: keep this under three quarters of {@code maxQueuedEvents}), and a body
     * never becomes more than one slice of packet objects at once. Socket.IO 0.9 (protocol 1) polling
     * bodies are delivered in the same slices, held the same way.
     */
    public int maxPacketsPerPayload() {
        return maxPacketsPerPayload;
    }

    /**
     * The most bytes held for one client's connection, on every transport (default 16 MiB): packets queued
     * and not yet sent (for long-polling, everything waiting for the next polls) plus what the connection
     * has not yet handed to the network (a WebSocket's or a poll response's unflushed bytes). Text counts
     * as UTF-8, binary as its length. A Socket.IO client's sockets that are still connecting hold what
     * they are sent for after their CONNECT replies in a second budget of this size, so such a client may
     * hold up to twice this while a socket connects (docs/limits.md, "What one client holds, in all"); a
     * raw Engine.IO session, which has no sockets, this once.
     *
     * <p>At the bound: the packet that would cross it is refused before it is queued, and the client is
     * dropped at once with "transport error" (a recoverable disconnect reason; socket.io clients reconnect).
     * A client that does not read, or polls too seldom for what it is sent, ends here instead of in the
     * server's heap. A single packet larger than the bound (a broadcast included) can never be sent and
     * drops every client it is sent to: raise the bound to send such messages. Node has no such bound: its
     * polling buffer and its WebSocket buffer grow until the client reads or the process runs out of memory
     * (with {@code ws}, an application may watch {@code bufferedAmount} itself).
     */
    public long maxPendingOutboundBytes() {
        return maxPendingOutboundBytes;
    }

    /**
     * The most bytes in one long-polling response body (default: {@link #maxHttpBufferSize()}, 1,000,000).
     * Packets that do not fit wait for the next poll, in order; a single packet larger than this goes alone
     * in its response. A Socket.IO packet's binary attachments may span responses (the client joins them).
     * This mirrors the client, which splits what it POSTs at the server's {@code maxPayload}
     * ({@link #maxHttpBufferSize()}); Node's server has no such cap and answers a poll with everything
     * buffered.
     */
    public int maxPollResponseBytes() {
        return maxPollResponseBytes;
    }

    /**
     * @return the cookie a long-polling handshake's response sets with the session id (engine.io's
     *         {@code cookie} option), or null for none (the default)
     */
    public SessionCookie cookie() {
        return cookie;
    }

    /** @return what adds headers to the response that opens a session, or null for nothing (the default) */
    public ResponseHeadersListener initialHeaders() {
        return initialHeaders;
    }

    /** @return what adds headers to every Engine.IO response, or null for nothing (the default) */
    public ResponseHeadersListener headers() {
        return headers;
    }

    public static final class Builder {
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        private int maxHttpBufferSize = 1_000_000;
        private boolean allowUpgrades = true;
        private boolean allowEIO3 = true;
        private boolean jsonp;
        private Set<String> transports = Set.of("polling", "websocket");
        private int maxPacketsPerPayload = 10_000;
        private long maxPendingOutboundBytes = 16L * 1024 * 1024;
        /** 0: follow {@link #maxHttpBufferSize}. */
        private int maxPollResponseBytes;
        private SessionCookie cookie;
        private ResponseHeadersListener initialHeaders;
        private ResponseHeadersListener headers;

        private Builder() {
        }

        private Builder(EngineOptions o) {
            pingInterval = o.pingInterval;
            pingTimeout = o.pingTimeout;
            upgradeTimeout = o.upgradeTimeout;
            maxHttpBufferSize = o.maxHttpBufferSize;
            allowUpgrades = o.allowUpgrades;
            allowEIO3 = o.allowEIO3;
            jsonp = o.jsonp;
            transports = o.transports;
            maxPacketsPerPayload = o.maxPacketsPerPayload;
            maxPendingOutboundBytes = o.maxPendingOutboundBytes;
            maxPollResponseBytes = o.maxPollResponseBytesSet ? o.maxPollResponseBytes : 0;
            cookie = o.cookie;
            initialHeaders = o.initialHeaders;
            headers = o.headers;
        }

        public Builder pingInterval(Duration d) {
            pingInterval = Durations.atLeastOneMilli(d, "pingInterval");
            return this;
        }

        public Builder pingTimeout(Duration d) {
            pingTimeout = Durations.atLeastOneMilli(d, "pingTimeout");
            return this;
        }

        public Builder upgradeTimeout(Duration d) {
            upgradeTimeout = Durations.atLeastOneMilli(d, "upgradeTimeout");
            return this;
        }

        public Builder maxHttpBufferSize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxHttpBufferSize must be at least 64 bytes");
            }
            maxHttpBufferSize = bytes;
            return this;
        }

        public Builder allowUpgrades(boolean allow) {
            allowUpgrades = allow;
            return this;
        }

        /** See {@link EngineOptions#allowEIO3()}. */
        public Builder allowEIO3(boolean allow) {
            allowEIO3 = allow;
            return this;
        }

        /** See {@link EngineOptions#jsonp()}. */
        public Builder jsonp(boolean allow) {
            jsonp = allow;
            return this;
        }

        /**
         * The transports clients may use: "polling", "websocket" or both (the default). A name given
         * twice counts once.
         *
         * @throws IllegalArgumentException for an unknown name, or none
         */
        public Builder transports(String... names) {
            Set<String> set = Set.copyOf(Arrays.asList(names));
            for (String name : set) {
                if (!name.equals("polling") && !name.equals("websocket")) {
                    throw new IllegalArgumentException("unknown transport: " + name);
                }
            }
            if (set.isEmpty()) {
                throw new IllegalArgumentException("at least one transport is needed");
            }
            transports = set;
            return this;
        }

        public Builder maxPacketsPerPayload(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPacketsPerPayload must be positive");
            }
            maxPacketsPerPayload = n;
            return this;
        }

        public Builder maxPendingOutboundBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxPendingOutboundBytes must be at least 1024");
            }
            maxPendingOutboundBytes = bytes;
            return this;
        }

        /**
         * Caps one long-polling response body, in bytes (at least 64); see
         * {@link EngineOptions#maxPollResponseBytes()}. Unset, it follows {@link #maxHttpBufferSize}.
         */
        public Builder maxPollResponseBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxPollResponseBytes must be at least 64 bytes");
            }
            maxPollResponseBytes = bytes;
            return this;
        }

        /**
         * Sets a cookie holding the session id on every long-polling handshake's response, for load
         * balancers that route by cookie (engine.io's {@code cookie} option: {@link SessionCookie#defaults()}
         * is its {@code cookie: true}); null for none, the default.
         */
        public Builder cookie(SessionCookie cookie) {
            this.cookie = cookie;
            return this;
        }

        /**
         * Adds or changes headers of the response to each request that opens a session (a long-polling
         * handshake, or a WebSocket's {@code 101} without {@code sid}), after the session cookie is set:
         * engine.io's {@code "initial_headers"} event. Null for nothing, the default. See
         * {@link ResponseHeadersListener} for which responses and on which thread.
         */
        public Builder initialHeaders(ResponseHeadersListener listener) {
            this.initialHeaders = listener;
            return this;
        }

        /**
         * Adds or changes headers of every long-polling response and WebSocket {@code 101}, after the
         * {@link #initialHeaders} listener: engine.io's {@code "headers"} event. Null for nothing, the
         * default. See {@link ResponseHeadersListener}. Set, it costs each poll the copy of its request's
         * headers and query into the {@link EngineRequest} it is given.
         */
        public Builder headers(ResponseHeadersListener listener) {
            this.headers = listener;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(this);
        }
    }
}
