package io.windsock.internal.engine;

/** The two Engine.IO transports, with the names they have on the wire and in the options. */
public enum TransportKind {
    POLLING("polling"),
    WEBSOCKET("websocket");

    private final String wireName;

    TransportKind(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name in the {@code transport} query parameter, the open packet and the options. */
    public String wireName() {
        return wireName;
    }
}
