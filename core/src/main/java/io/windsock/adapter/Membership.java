package io.windsock.adapter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One socket's rooms in the {@link InMemoryAdapter}: an immutable snapshot, replaced under this
 * object's lock, which is also the lock for changes to that socket's membership. Few sockets join
 * many rooms, so copying is cheap; a join of many rooms copies once, and leaving rooms one by one
 * copies only now and then (see {@link #removed}): a copy per room made a socket joining or leaving
 * k rooms cost k² steps.
 */
final class Membership {
    /** The rooms, but those in {@link #removed}. */
    private volatile Set<String> rooms = Set.of();
    /**
     * Rooms left since {@link #rooms} was last copied, or null (as it mostly is): {@link #current()} takes
     * them out when the rooms are next read or joined, or once they are half of them.
     */
    private volatile Set<String> removed;

    /**
     * @return the rooms as last copied; under the lock, right after {@link #add} (which leaves none
     *         left pending), the same as {@link #current()}
     */
    Set<String> lastCopy() {
        return rooms;
    }

    /** @return the rooms now; any thread */
    Set<String> snapshot() {
        if (removed == null) {
            return rooms;
        }
        synchronized (this) {
            return current();
        }
    }

    /** @return the rooms now, with the rooms left taken out; under the lock */
    Set<String> current() {
        Set<String> gone = removed;
        if (gone != null) {
            List<String> kept = new ArrayList<>(rooms.size() - gone.size());
            for (String room : rooms) {
                if (!gone.contains(room)) {
                    kept.add(room);
                }
            }
            rooms = Set.copyOf(kept);
            removed = null;
        }
        return rooms;
    }

    /**
     * Adds the rooms in one copy; under the lock.
     *
     * @return the rooms that were not there yet
     */
    List<String> add(Set<String> newRooms) {
        Set<String> now = current();
        List<String> added = new ArrayList<>(newRooms.size());
        for (String room : newRooms) {
            if (!now.contains(room)) {
                added.add(room);
            }
        }
        if (!added.isEmpty()) {
            List<String> copy = new ArrayList<>(now.size() + added.size());
            copy.addAll(now);
            copy.addAll(added);
            rooms = Set.copyOf(copy);
        }
        return added;
    }

    /** @return whether the room was removed; under the lock */
    boolean remove(String room) {
        Set<String> gone = removed;
        if (!rooms.contains(room) || (gone != null && gone.contains(room))) {
            return false;
        }
        if (gone == null) {
            gone = new HashSet<>();
        }
        gone.add(room);
        removed = gone; // after the add: a reader holding the lock sees it whole
        if (2 * gone.size() >= rooms.size()) {
            current();
        }
        return true;
    }

    /** Forgets every room; under the lock. */
    void clear() {
        rooms = Set.of();
        removed = null;
    }
}
