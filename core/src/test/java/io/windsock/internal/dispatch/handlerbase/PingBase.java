package io.windsock.internal.dispatch.handlerbase;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;

/** A package-private handler, which a subclass in another package cannot override. */
public class PingBase extends SocketConnection {
    public final StringBuilder log = new StringBuilder();

    @Event
    void ping() {
        log.append("base ");
    }
}
