package io.windsock.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Engine.IO settings, immutable. Defaults are those of the Node {@code engine.io} server: ping every
 * 25 s, 20 s to answer, 10 s to finish an upgrade, 1 MB per message or request body, both
 * transports, upgrades allowed.
 */
public final class EngineOptions {
    public static final EngineOptions DEFAULT = builder().build();

    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    private final int maxHttpBufferSize;
    private final boolean allowUpgrades;
    private final Set<String> transports;
    private final int maxPacketsPerPayload;
    private final long maxPendingOutboundBytes;

    private EngineOptions(Builder b) {
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.upgradeTimeout = b.upgradeTimeout;
        this.maxHttpBufferSize = b.maxHttpBufferSize;
        this.allowUpgrades = b.allowUpgrades;
        this.transports = Set.copyOf(b.transports);
        this.maxPacketsPerPayload = b.maxPacketsPerPayload;
        this.maxPendingOutboundBytes = b.maxPendingOutboundBytes;
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

    /** The transports clients may use: {@code "polling"}, {@code "websocket"} (default both). */
    public Set<String> transports() {
        return transports;
    }

    /** The most packets in one polling request body (default 10,000), a guard against packet floods. */
    public int maxPacketsPerPayload() {
        return maxPacketsPerPayload;
    }

    /**
     * The most bytes that may wait to be written to one WebSocket client (default 16 MiB). A client
     * that reads slower than the server writes is disconnected ("transport error") rather than
     * buffered without bound.
     */
    public long maxPendingOutboundBytes() {
        return maxPendingOutboundBytes;
    }

    public static final class Builder {
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        private int maxHttpBufferSize = 1_000_000;
        private boolean allowUpgrades = true;
        private Set<String> transports = Set.of("polling", "websocket");
        private int maxPacketsPerPayload = 10_000;
        private long maxPendingOutboundBytes = 16L * 1024 * 1024;

        private Builder() {
        }

        private Builder(EngineOptions o) {
            pingInterval = o.pingInterval;
            pingTimeout = o.pingTimeout;
            upgradeTimeout = o.upgradeTimeout;
            maxHttpBufferSize = o.maxHttpBufferSize;
            allowUpgrades = o.allowUpgrades;
            transports = o.transports;
            maxPacketsPerPayload = o.maxPacketsPerPayload;
            maxPendingOutboundBytes = o.maxPendingOutboundBytes;
        }

        public Builder pingInterval(Duration d) {
            pingInterval = positive(d, "pingInterval");
            return this;
        }

        public Builder pingTimeout(Duration d) {
            pingTimeout = positive(d, "pingTimeout");
            return this;
        }

        public Builder upgradeTimeout(Duration d) {
            upgradeTimeout = positive(d, "upgradeTimeout");
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

        public Builder transports(String... names) {
            Set<String> set = Set.of(names);
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

        public EngineOptions build() {
            return new EngineOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
