package io.windsock.internal.sio1;

import io.windsock.server.Protocol1Options;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * What the protocol-1 front end needs: the public options plus the server-wide limits.
 *
 * @param options              the protocol-1 options
 * @param maxQueuedChars       the most UTF-16 units a session holds for its client before it closes
 * @param maxPacketsPerPayload the most packets in one poll's answer, and in one slice of a POST's body
 */
public record Sio1Settings(Protocol1Options options, long maxQueuedChars, int maxPacketsPerPayload) {
    Duration heartbeatInterval() {
        return options.heartbeatInterval();
    }

    Duration pollTimeout() {
        return options.pollTimeout();
    }

    Duration sessionExpiry() {
        return options.sessionExpiry();
    }

    boolean offers(String transport) {
        return options.transports().contains(transport);
    }

    /**
     * The handshake body after the sid: heartbeat timeout, close timeout (seconds, fractions allowed:
     * the client multiplies them by 1000) and the transports.
     */
    String handshakeTail() {
        return seconds(options.heartbeatInterval().plus(options.clientTimeout())) + ":"
                + seconds(options.pollTimeout().plus(options.clientTimeout())) + ":"
                + Protocol1Options.ALL_TRANSPORTS.stream().filter(this::offers).collect(Collectors.joining(","));
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }
}
