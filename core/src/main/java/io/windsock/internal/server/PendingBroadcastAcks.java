package io.windsock.internal.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server's broadcasts still waiting for acks, so that its stop can end them as soon as no answer
 * can come any more, rather than at their timeouts: a handler blocked on one would otherwise hold the
 * stop until its own timeout and then be interrupted. Thread-safe.
 */
final class PendingBroadcastAcks {
    enum Stage { RUNNING, SOCKETS_CLOSED, ADAPTERS_CLOSED }

    private final Set<AckCollector> pending = ConcurrentHashMap.newKeySet();
    private volatile Stage stage = Stage.RUNNING;

    Stage stage() {
        return stage;
    }

    void add(AckCollector collector) {
        pending.add(collector);
    }

    void remove(AckCollector collector) {
        pending.remove(collector);
    }

    /**
     * The stop reached {@code next}: every pending broadcast that can get no more answers fails. A
     * broadcast registered meanwhile checks the stage itself once its counts are in (see
     * {@link AckCollector#start()}).
     */
    void advance(Stage next) {
        stage = next;
        for (AckCollector collector : pending) {
            collector.serverStopping(next);
        }
    }

    int size() {
        return pending.size();
    }
}
