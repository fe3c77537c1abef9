package io.windsock.internal.dispatch.handlerbase;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;

/** A package-private handler with its own event name. */
public class RenamedPingBase extends SocketConnection {
    public final StringBuilder log = new StringBuilder();

    @Event("base ping")
    void ping() {
        log.append("base ");
    }
}
