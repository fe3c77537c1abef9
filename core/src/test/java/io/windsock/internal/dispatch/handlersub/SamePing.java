package io.windsock.internal.dispatch.handlersub;

import io.windsock.connection.Event;
import io.windsock.internal.dispatch.handlerbase.PingBase;

/** Declares ping() beside the base's package-private ping(), which it does not override. */
public class SamePing extends PingBase {
    @Event
    void ping() {
        log.append("sub ");
    }
}
