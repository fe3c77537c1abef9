package io.windsock.server;

import java.util.List;

/**
 * Sees every event sent to a socket ({@link Socket#onAnyOutgoing}): its own emits and the broadcasts
 * that reach it. Runs on the socket's executor after the event was queued; it cannot change or stop it.
 * The arguments are those the client receives (a recovery offset included). At most 10,000
 * notifications wait for a socket's executor (while one of its handlers is slow or blocked); past
 * that, notifications are dropped (the events themselves are sent) and a WARN says so, rate-limited.
 */
@FunctionalInterface
public interface OutgoingListener {
    void onEvent(String event, List<Object> args) throws Exception;
}
