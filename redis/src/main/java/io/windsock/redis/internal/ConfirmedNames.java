package io.windsock.redis.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of one kind (channels, patterns or shard channels) that Redis confirmed to the subscriber, as
 * its pushes tell. Updated on Redis I/O threads; read from any thread.
 */
final class ConfirmedNames {
    /**
     * Confirmed, and not undone by a push since. Lettuce keeps the same set and subscribes it again on each
     * reconnection, also a name whose UNSUBSCRIBE failed during an outage.
     */
    private final Set<String> kept = ConcurrentHashMap.newKeySet();

    void subscribed(String name) {
        kept.add(name);
    }

    void unsubscribed(String name) {
        kept.remove(name);
    }

    /** @return a copy of the names Lettuce subscribes again on a reconnection */
    List<String> kept() {
        return List.copyOf(kept);
    }
}
