package io.windsock.internal.dispatch.handlerbase;

/** Overrides the package-private handler publicly, without @Event: subclasses anywhere now override it. */
public class OpenedPingBase extends PingBase {
    @Override
    public void ping() {
        log.append("opened ");
    }
}
