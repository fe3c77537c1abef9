package io.windsock.server;

/** Why a socket left its namespace; {@link #wire()} is the reason string socket.io uses. */
public enum DisconnectReason {
    /** The client called {@code socket.disconnect()}. */
    CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
    /** The server called {@link Socket#disconnect()}. */
    SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
    /** The server closed the whole connection. */
    FORCED_SERVER_CLOSE("forced server close"),
    /** The server is stopping. */
    SERVER_SHUTTING_DOWN("server shutting down"),
    /** The client did not answer a ping in time. */
    PING_TIMEOUT("ping timeout"),
    /** The connection was closed (the user left the page, the network dropped). */
    TRANSPORT_CLOSE("transport close"),
    /** The connection failed (a write error, an overlapping poll). */
    TRANSPORT_ERROR("transport error"),
    /** The client sent a packet that could not be decoded. */
    PARSE_ERROR("parse error"),
    /** The engine session was closed from the server side. */
    FORCED_CLOSE("forced close");

    private final String wire;

    DisconnectReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /**
     * @return whether connection state recovery may apply: the same set as socket.io's
     *         (the connection was lost or closed under the socket, rather than the socket being
     *         told to leave)
     */
    public boolean isRecoverable() {
        return this == TRANSPORT_CLOSE || this == TRANSPORT_ERROR || this == PING_TIMEOUT
                || this == SERVER_SHUTTING_DOWN || this == FORCED_CLOSE || this == FORCED_SERVER_CLOSE;
    }

    /** @return the reason for an Engine.IO close reason. */
    public static DisconnectReason fromEngine(String reason) {
        return switch (reason) {
            case "ping timeout" -> PING_TIMEOUT;
            case "transport error" -> TRANSPORT_ERROR;
            case "parse error" -> PARSE_ERROR;
            case "forced close" -> FORCED_CLOSE;
            case "server shutting down" -> SERVER_SHUTTING_DOWN;
            default -> TRANSPORT_CLOSE;
        };
    }

    @Override
    public String toString() {
        return wire;
    }
}
