package io.windsock.internal.dispatch.handlersub;

import io.windsock.connection.Event;
import io.windsock.internal.dispatch.handlerbase.RenamedPingBase;

/** Declares ping() beside the base's package-private ping(), under another event name. */
public class RenamedPings extends RenamedPingBase {
    @Event("sub ping")
    void ping() {
        log.append("sub ");
    }
}
