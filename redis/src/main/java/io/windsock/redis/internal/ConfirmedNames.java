package io.windsock.redis.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of one kind (channels, patterns or shard channels) that Redis confirmed to the subscriber, as
 * its pushes and replies tell. Updated on Redis I/O threads; read from any thread.
 */
final class ConfirmedNames {
    /**
     * Confirmed, and not undone by a push since. Lettuce keeps the same set and subscribes it again on each
     * reconnection, also a name whose UNSUBSCRIBE failed during an outage.
     */
    private final Set<String> kept = ConcurrentHashMap.newKeySet();
    /** Confirmed since the subscriber last connected: what Redis counts for this node now. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    void subscribed(String name) {
        kept.add(name);
        live.add(name);
    }

    void unsubscribed(String name) {
        kept.remove(name);
        live.remove(name);
    }

    /** The subscriber lost its connection: Redis dropped its subscriptions (Lettuce keeps them to renew). */
    void disconnected() {
        live.clear();
    }

    boolean isLive(String name) {
        return live.contains(name);
    }

    /** @return a copy of the names Lettuce subscribes again on a reconnection */
    List<String> kept() {
        return List.copyOf(kept);
    }
}
