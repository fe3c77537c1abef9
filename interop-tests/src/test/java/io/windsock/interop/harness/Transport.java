package io.windsock.interop.harness;

import java.util.List;
import java.util.Map;

/** How a client connects: WebSocket only, long-polling only, or polling first and then upgrading. */
public enum Transport {
    WEBSOCKET(List.of("websocket"), "websocket"),
    POLLING(List.of("polling"), "polling"),
    /** The client default: the handshake on polling, then an upgrade to WebSocket. */
    UPGRADE(List.of("polling", "websocket"), "websocket");

    private final List<String> clientTransports;
    private final String finalTransport;

    Transport(List<String> clientTransports, String finalTransport) {
        this.clientTransports = clientTransports;
        this.finalTransport = finalTransport;
    }

    /** @return the client's {@code transports} option. */
    public Map<String, Object> clientOptions() {
        return Map.of("transports", clientTransports);
    }

    /** @return the transport the connection ends up on. */
    public String finalTransport() {
        return finalTransport;
    }

    /** @return the transport the connection opens on. */
    public String firstTransport() {
        return clientTransports.get(0);
    }
}
