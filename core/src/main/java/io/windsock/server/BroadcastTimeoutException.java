package io.windsock.server;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Some recipients of a broadcast with acks did not answer in time (they never acked, or left), or the
 * server stopped before they could. Carries the acks that did arrive; acks arriving later are dropped.
 */
public class BroadcastTimeoutException extends TimeoutException {
    private final transient List<Object> responses;

    public BroadcastTimeoutException(String message, List<Object> responses) {
        super(message);
        this.responses = responses.stream().toList(); // keeps nulls (an ack with no argument)
    }

    /** @return the acks received before the timeout (first argument of each; {@code null} for none). */
    public List<Object> responses() {
        return responses;
    }
}
