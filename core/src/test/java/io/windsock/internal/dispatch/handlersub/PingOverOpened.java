package io.windsock.internal.dispatch.handlersub;

import io.windsock.connection.Event;
import io.windsock.internal.dispatch.handlerbase.OpenedPingBase;

/** Overrides the public ping() of its superclass, and through it the package-private one above. */
public class PingOverOpened extends OpenedPingBase {
    @Override
    @Event
    public void ping() {
        log.append("sub ");
    }
}
