package io.windsock.internal.server;

/**
 * A fallback listener (a connection class's dispatcher) that tells, per event name, whether the handler
 * it would run is declared non-blocking, so that the event may run on the network thread.
 */
public interface NonBlockingAware {
    /** @return whether handling {@code event} never blocks; called on a network thread, must be cheap */
    boolean isNonBlocking(String event);
}
