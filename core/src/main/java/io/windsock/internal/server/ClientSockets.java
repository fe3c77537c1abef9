package io.windsock.internal.server;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The joined (or joining) namespaces' sockets of one connection, the CONNECT payloads they keep, and a
 * 0.9 client's joins that wait for a socket that left to close ({@link PendingRejoin}). One lock covers
 * all three, so that a socket's removal and a join's wait for it are one step each: a join never waits
 * for a close that has already run.
 */
final class ClientSockets {
    /**
     * Null, the one socket (most clients join one namespace), or an immutable map by namespace name;
     * replaced under this object's lock, read without it. Written on the scheduler thread and by socket
     * executors.
     */
    private volatile Object sockets;
    /** The CONNECT payloads the sockets keep, as counted (see Client.connect); under this object's lock. */
    private int authBytes;
    /**
     * The waiting joins by namespace; null when none. Replaced or changed on the scheduler thread under
     * this object's lock, read there without it, and by {@link #remove} under it.
     */
    private Map<String, PendingRejoin> rejoins;

    /** @return the socket of a joined (or joining) namespace, or null. Any thread. */
    SocketImpl get(String namespace) {
        Object current = sockets;
        if (current instanceof SocketImpl one) {
            return one.namespace().name().equals(namespace) ? one : null;
        }
        @SuppressWarnings("unchecked")
        Map<String, SocketImpl> byName = (Map<String, SocketImpl>) current;
        return byName == null ? null : byName.get(namespace);
    }

    /** @return a snapshot of the sockets. Any thread. */
    List<SocketImpl> all() {
        Object current = sockets;
        if (current instanceof SocketImpl one) {
            return List.of(one);
        }
        @SuppressWarnings("unchecked")
        Map<String, SocketImpl> byName = (Map<String, SocketImpl>) current;
        return byName == null ? List.of() : List.copyOf(byName.values());
    }

    /** Makes a socket the member for its namespace (none was). */
    synchronized void add(SocketImpl socket) {
        if (sockets == null) {
            sockets = socket;
            return;
        }
        Map<String, SocketImpl> copy = new HashMap<>();
        for (SocketImpl joined : all()) {
            copy.put(joined.namespace().name(), joined);
        }
        copy.put(socket.namespace().name(), socket);
        sockets = Map.copyOf(copy);
    }

    /**
     * A socket left: it is the member for its namespace no more, and its CONNECT payload is given back.
     *
     * @return whether a join waits for this (see {@link #waitToRejoin}): the caller makes it, on the
     *     scheduler thread
     */
    synchronized boolean remove(SocketImpl socket) {
        String name = socket.namespace().name();
        if (sockets == socket) {
            sockets = null;
        } else if (get(name) == socket) {
            Map<String, SocketImpl> copy = new HashMap<>();
            for (SocketImpl joined : all()) {
                if (joined != socket) {
                    copy.put(joined.namespace().name(), joined);
                }
            }
            // Back to the one-socket form when one is left.
            sockets = copy.isEmpty() ? null : copy.size() == 1 ? copy.values().iterator().next() : Map.copyOf(copy);
        } else {
            return false;
        }
        authBytes -= socket.connectBytes();
        return rejoins != null && rejoins.containsKey(name);
    }

    /** @return whether {@code bytes} more of CONNECT payloads stay within {@code max}, then counted */
    synchronized boolean reserveAuth(long bytes, int max) {
        if (authBytes + bytes > max) {
            return false;
        }
        authBytes += (int) bytes;
        return true;
    }

    synchronized void releaseAuth(int bytes) {
        authBytes -= bytes;
    }

    /**
     * Makes a join wait for the socket {@code left} to close, unless it has closed already.
     *
     * @return whether it waits; if not, the caller makes the join at once. Scheduler thread.
     */
    synchronized boolean waitToRejoin(SocketImpl left, PendingRejoin rejoin) {
        String name = left.namespace().name();
        if (get(name) != left) {
            return false;
        }
        if (rejoins == null) {
            rejoins = new HashMap<>(2);
        }
        rejoins.put(name, rejoin);
        return true;
    }

    /** @return the join waiting in that namespace, or null. Scheduler thread. */
    PendingRejoin waitingRejoin(String namespace) {
        return rejoins == null ? null : rejoins.get(namespace);
    }

    /** @return the join waiting in that namespace, no longer waiting, or null */
    synchronized PendingRejoin takeRejoin(String namespace) {
        PendingRejoin rejoin = rejoins == null ? null : rejoins.remove(namespace);
        if (rejoins != null && rejoins.isEmpty()) {
            rejoins = null;
        }
        return rejoin;
    }

    /** Forgets every socket (the connection closed). @return the joins that waited, none waiting any more */
    synchronized Collection<PendingRejoin> clear() {
        sockets = null;
        Map<String, PendingRejoin> pending = rejoins;
        rejoins = null;
        return pending == null ? List.of() : pending.values();
    }
}
