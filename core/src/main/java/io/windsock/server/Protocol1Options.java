package io.windsock.server;

import io.windsock.internal.options.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Settings of the Socket.IO 0.9 front end ("protocol 1", the protocol of {@code socket.io-client}
 * 0.7 to 0.9 and of TornadIO2), served beside the current protocol on the same port under
 * {@code <path>1/} (e.g. {@code /socket.io/1/}). Immutable. Off unless set with
 * {@link WindsockOptions.Builder#protocol1(Protocol1Options)}.
 *
 * <p>The defaults are TornadIO2's timings (heartbeats every 12 s, polls held 20 s, 5 s of grace for
 * the client, sessions expiring 30 s after their last transport left), with two transports left out
 * unless listed:
 * <ul>
 * <li>{@code jsonp-polling} (and the JSONP handshake, {@code ?jsonp=N}): its requests are script
 *     loads, which carry no {@code Origin} header, so no CORS allow-list can keep a page of another
 *     site from opening a session with the visitor's cookies and reading it. Enable it only where
 *     sessions are not authorized by cookies.</li>
 * <li>{@code flashsocket}: it needs the Flash policy server on its own port
 *     ({@link Builder#flashPolicyPort}); listing it without the port is refused.</li>
 * </ul>
 *
 * <p>The builder's durations must be at least 1 ms (timers and the handshake count milliseconds): a
 * shorter one is refused with {@link IllegalArgumentException}.
 */
public final class Protocol1Options {
    /** Every transport of protocol 1, in the order the handshake advertises them. */
    public static final List<String> ALL_TRANSPORTS =
            List.of("websocket", "flashsocket", "htmlfile", "xhr-polling", "jsonp-polling");
    public static final Protocol1Options DEFAULT = builder().build();

    private final Set<String> transports;
    private final Duration heartbeatInterval;
    private final Duration clientTimeout;
    private final Duration pollTimeout;
    private final Duration sessionExpiry;
    private final boolean verifyRemoteIp;
    private final boolean websocketCheck;
    private final int flashPolicyPort;
    private final String flashPolicyFile;

    private Protocol1Options(Builder b) {
        this.transports = Set.copyOf(b.transports);
        this.heartbeatInterval = b.heartbeatInterval;
        this.clientTimeout = b.clientTimeout;
        this.pollTimeout = b.pollTimeout;
        this.sessionExpiry = b.sessionExpiry;
        this.verifyRemoteIp = b.verifyRemoteIp;
        this.websocketCheck = b.websocketCheck;
        this.flashPolicyPort = b.flashPolicyPort;
        this.flashPolicyFile = b.flashPolicyFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The transports offered (default websocket, xhr-polling, htmlfile), advertised in the order of
     * {@link #ALL_TRANSPORTS}: the client tries them in that order.
     */
    public Set<String> transports() {
        return transports;
    }

    /**
     * How often the server sends a heartbeat on every session (default 12 s). A session whose
     * client leaves three in a row unanswered closes.
     */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Grace for the client, added to the timeouts the handshake advertises (default 5 s): the
     * client drops a connection that hears nothing for heartbeatInterval + clientTimeout, and a
     * poll that stays open longer than pollTimeout + clientTimeout.
     */
    public Duration clientTimeout() {
        return clientTimeout;
    }

    /** How long a poll is held before it is answered with a noop (default 20 s). */
    public Duration pollTimeout() {
        return pollTimeout;
    }

    /**
     * How long a session lives without a transport (default 30 s): renewed when a transport attaches
     * or leaves, so a client that vanishes is closed this long after its last request.
     */
    public Duration sessionExpiry() {
        return sessionExpiry;
    }

    /** Whether a transport must come from the handshake's IP address (default true, as TornadIO2). */
    public boolean verifyRemoteIp() {
        return verifyRemoteIp;
    }

    /**
     * Whether a new websocket or flashsocket is probed before the session takes it (default false,
     * TornadIO2's {@code websocket_check}): the server sends a heartbeat {@code 2::} and accepts the
     * transport only when a frame comes back within {@link #clientTimeout()}; otherwise it closes the
     * WebSocket, so the client falls back to its next transport (after its {@code connect timeout}).
     * For networks whose proxies complete a WebSocket handshake and then carry nothing.
     */
    public boolean websocketCheck() {
        return websocketCheck;
    }

    /** The Flash policy server's port, or 0 for none (default). The 0.9 client asks port 10843. */
    public int flashPolicyPort() {
        return flashPolicyPort;
    }

    /**
     * The policy served to Flash clients, or null for the default: any domain, to the server's own
     * port only.
     */
    public String flashPolicyFile() {
        return flashPolicyFile;
    }

    public static final class Builder {
        private Set<String> transports = Set.of("websocket", "xhr-polling", "htmlfile");
        private Duration heartbeatInterval = Duration.ofSeconds(12);
        private Duration clientTimeout = Duration.ofSeconds(5);
        private Duration pollTimeout = Duration.ofSeconds(20);
        private Duration sessionExpiry = Duration.ofSeconds(30);
        private boolean verifyRemoteIp = true;
        private boolean websocketCheck;
        private int flashPolicyPort;
        private String flashPolicyFile;

        private Builder() {
        }

        private Builder(Protocol1Options o) {
            transports = o.transports;
            heartbeatInterval = o.heartbeatInterval;
            clientTimeout = o.clientTimeout;
            pollTimeout = o.pollTimeout;
            sessionExpiry = o.sessionExpiry;
            verifyRemoteIp = o.verifyRemoteIp;
            websocketCheck = o.websocketCheck;
            flashPolicyPort = o.flashPolicyPort;
            flashPolicyFile = o.flashPolicyFile;
        }

        /** @throws IllegalArgumentException for an unknown transport name or an empty set */
        public Builder transports(Set<String> transports) {
            if (transports.isEmpty() || !ALL_TRANSPORTS.containsAll(transports)) {
                throw new IllegalArgumentException("transports must be some of " + ALL_TRANSPORTS + ": " + transports);
            }
            this.transports = Set.copyOf(transports);
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Durations.atLeastOneMilli(interval, "heartbeatInterval");
            return this;
        }

        public Builder clientTimeout(Duration timeout) {
            this.clientTimeout = Durations.atLeastOneMilli(timeout, "clientTimeout");
            return this;
        }

        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = Durations.atLeastOneMilli(timeout, "pollTimeout");
            return this;
        }

        public Builder sessionExpiry(Duration expiry) {
            this.sessionExpiry = Durations.atLeastOneMilli(expiry, "sessionExpiry");
            return this;
        }

        public Builder verifyRemoteIp(boolean on) {
            this.verifyRemoteIp = on;
            return this;
        }

        /** See {@link Protocol1Options#websocketCheck()}. */
        public Builder websocketCheck(boolean on) {
            this.websocketCheck = on;
            return this;
        }

        /** @param port 1 to 65535, or 0 for no policy server */
        public Builder flashPolicyPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("flashPolicyPort out of range: " + port);
            }
            this.flashPolicyPort = port;
            return this;
        }

        public Builder flashPolicyFile(String policy) {
            this.flashPolicyFile = policy;
            return this;
        }

        /** @throws IllegalStateException when flashsocket is listed without a policy port */
        public Protocol1Options build() {
            if (transports.contains("flashsocket") && flashPolicyPort == 0) {
                throw new IllegalStateException("flashsocket needs flashPolicyPort: Flash asks for a policy first");
            }
            return new Protocol1Options(this);
        }
    }
}
