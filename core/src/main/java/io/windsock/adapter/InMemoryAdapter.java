package io.windsock.adapter;

import io.windsock.internal.log.Loggers;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.ConnectionStateRecovery;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The default {@link Adapter}: one node, rooms in memory. A broadcast is encoded once and the same
 * encoded packet is queued for every recipient. With connection state recovery on, it also keeps
 * the stored events and the sessions of disconnected sockets for the recovery window.
 *
 * <p>A cluster adapter extends this class: it publishes broadcasts and server-side operations to
 * the other nodes (unless {@link BroadcastOptions#local()}) and calls {@code super} for local sockets.
 *
 * <p>Threading: thread-safe and non-blocking. Membership uses concurrent maps; broadcasts iterate them
 * without locks (a socket joining during a broadcast may or may not get it). With recovery on, stored
 * events of this namespace are numbered and delivered one at a time, so every client sees them in
 * offset order.
 */
public class InMemoryAdapter implements Adapter {
    private static final Logger log = Loggers.ADAPTER;

    protected final AdapterNamespace namespace;
    /**
     * Room name to the ids of its sockets; a room exists while it has a socket. A room of one socket
     * (every socket's own room, most private rooms) is an immutable {@code Set.of(id)}, replaced by a
     * concurrent set when a second socket joins: one small object per socket instead of a map.
     */
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    /** Socket id to its rooms. */
    private final Map<String, Membership> sids = new ConcurrentHashMap<>();
    /** Stored events and sessions, or null when recovery is off. */
    private final RecoveryStore store;

    public InMemoryAdapter(AdapterNamespace namespace) {
        this(namespace, Clock.systemUTC());
    }

    /** @param clock the time source for the recovery window (tests move it by hand) */
    public InMemoryAdapter(AdapterNamespace namespace, Clock clock) {
        this(namespace, clock, true);
    }

    /**
     * For a cluster adapter that keeps the stored events and the sessions itself (in Redis streams,
     * say): with {@code storesRecovery} false this adapter stores nothing for recovery, delivers every
     * broadcast without an offset, and the subclass implements {@link #persistSession},
     * {@link #restoreSession} and {@link #missedPackets}, delivering the events it stores through
     * {@link #deliver} with their offsets.
     */
    protected InMemoryAdapter(AdapterNamespace namespace, boolean storesRecovery) {
        this(namespace, Clock.systemUTC(), storesRecovery);
    }

    private InMemoryAdapter(AdapterNamespace namespace, Clock clock, boolean storesRecovery) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        ConnectionStateRecovery recovery = namespace.recovery();
        this.store = recovery == null || !storesRecovery ? null : new RecoveryStore(namespace.name(), recovery, clock);
    }

    // ---- membership ----

    @Override
    public void addAll(String id, Set<String> newRooms) {
        while (true) {
            Membership mine = sids.computeIfAbsent(id, k -> new Membership());
            synchronized (mine) {
                if (sids.get(id) != mine) {
                    continue; // removed by delAll meanwhile: register afresh
                }
                for (String room : mine.add(newRooms)) {
                    rooms.compute(room, (r, ids) -> {
                        if (ids == null) {
                            roomCreated(r, r.equals(id) || sids.containsKey(r));
                            // A socket's own room joined first: its members and the socket's rooms are
                            // both {id}, so one immutable set serves as both.
                            return r.equals(id) && mine.lastCopy().size() == 1 ? mine.lastCopy() : Set.of(id);
                        }
                        if (ids instanceof ConcurrentHashMap.KeySetView<?, ?>) {
                            ids.add(id);
                            return ids;
                        }
                        Set<String> shared = ConcurrentHashMap.newKeySet();
                        shared.addAll(ids);
                        shared.add(id);
                        return shared;
                    });
                }
                return;
            }
        }
    }

    @Override
    public void del(String id, String room) {
        Membership mine = sids.get(id);
        if (mine == null) {
            return;
        }
        synchronized (mine) {
            if (mine.remove(room)) {
                removeFromRoom(room, id);
            }
        }
    }

    @Override
    public void delAll(String id) {
        Membership mine = sids.remove(id);
        if (mine == null) {
            return;
        }
        synchronized (mine) {
            for (String room : mine.current()) {
                removeFromRoom(room, id);
            }
            mine.clear();
        }
    }

    private void removeFromRoom(String room, String id) {
        rooms.computeIfPresent(room, (r, ids) -> {
            if (ids instanceof ConcurrentHashMap.KeySetView<?, ?>) {
                ids.remove(id);
            } else if (ids.contains(id)) {
                ids = Set.of();
            }
            if (ids.isEmpty()) {
                roomDeleted(r, r.equals(id) || sids.containsKey(r));
                return null;
            }
            return ids;
        });
    }

    /**
     * Called when a room gets its first local socket (as socket.io's {@code create-room} event). Runs
     * under the room's lock, so that the calls for one room come in order: must be quick and never block.
     *
     * @param socketRoom whether the room is named after a local socket's id (a private room)
     */
    protected void roomCreated(String room, boolean socketRoom) {
    }

    /** Called when a room loses its last local socket (socket.io's {@code delete-room}); as {@link #roomCreated}. */
    protected void roomDeleted(String room, boolean socketRoom) {
    }

    @Override
    public Set<String> socketRooms(String id) {
        Membership mine = sids.get(id);
        return mine == null ? Set.of() : mine.snapshot();
    }

    @Override
    public Set<String> rooms() {
        return Set.copyOf(rooms.keySet());
    }

    /** @return whether a local socket is in this room (without copying the room set, unlike {@link #rooms()}) */
    protected boolean hasRoom(String room) {
        return rooms.containsKey(room);
    }

    // ---- broadcasts ----

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions options) {
        SocketPacket own = inNamespace(packet, SocketPacket.NO_ID);
        if (store != null && RecoveryStore.isStored(own, options)) {
            store.append(own, options, (stored, offset) -> send(stored, offset, options));
        } else {
            send(own, null, options);
        }
    }

    /** @param packet the event as the clients get it: a stored one already ends with its offset */
    private void send(SocketPacket packet, String offset, BroadcastOptions options) {
        EncodedPacket encoded = namespace.encode(packet, offset);
        apply(options, socket -> socket.send(encoded, options));
    }

    /**
     * Queues an event to the local sockets {@code options} selects, encoded once.
     *
     * @param packet an EVENT packet of this namespace without an ack id
     * @param offset its recovery offset, which this appends as its last argument (what the clients take
     *               for their offset), or null
     */
    protected final void deliver(SocketPacket packet, String offset, BroadcastOptions options) {
        SocketPacket own = inNamespace(packet, SocketPacket.NO_ID);
        if (offset != null) {
            List<Object> data = new ArrayList<>(own.args().size() + 1);
            data.addAll(own.args());
            data.add(offset);
            own = new SocketPacket(own.type(), own.namespace(), own.id(), data);
        }
        send(own, offset, options);
    }

    /**
     * @return whether connection state recovery stores this broadcast (and gives it an offset): an event
     *         without an ack id, not volatile
     */
    protected static boolean isStoredForRecovery(SocketPacket packet, BroadcastOptions options) {
        return RecoveryStore.isStored(packet, options);
    }

    @Override
    public void broadcastWithAck(SocketPacket packet, BroadcastOptions options, BroadcastAckHandler handler) {
        long ackId = namespace.nextAckId();
        EncodedPacket encoded = namespace.encode(inNamespace(packet, ackId), null);
        int[] count = {0};
        apply(options, socket -> {
            if (!socket.isConnected()) {
                return; // its ack could never come if its middlewares refuse it (socket.io skips it too)
            }
            count[0]++;
            socket.expectAck(ackId, handler);
            socket.send(encoded, options);
        });
        handler.onClientCount(count[0]);
    }

    @Override
    public CompletionStage<Integer> serverCount() {
        return CompletableFuture.completedFuture(1);
    }

    // ---- server-side operations ----

    @Override
    public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions options) {
        List<SocketDetails> details = new ArrayList<>();
        for (LocalSocket socket : select(options)) {
            details.add(socket.details());
        }
        return CompletableFuture.completedFuture(details);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> newRooms) {
        for (LocalSocket socket : select(options)) {
            socket.join(newRooms);
        }
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> oldRooms) {
        for (LocalSocket socket : select(options)) {
            for (String room : oldRooms) {
                socket.leave(room);
            }
        }
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        for (LocalSocket socket : select(options)) {
            socket.disconnect(close);
        }
    }

    /** A single node has no other node to tell: the event goes nowhere. */
    @Override
    public void serverSideEmit(List<Object> eventAndArgs) {
        log.debug("serverSideEmit '{}' in {}: no other node", eventAndArgs.isEmpty() ? "" : eventAndArgs.get(0),
                namespace.name());
    }

    /** A single node has no other node to answer: completes at once with no response. */
    @Override
    public CompletionStage<List<Object>> serverSideEmitWithAck(List<Object> eventAndArgs, Duration timeout) {
        return CompletableFuture.completedFuture(List.of());
    }

    // ---- connection state recovery ----

    @Override
    public void persistSession(PersistedSession session) {
        if (store != null) {
            store.persist(session);
        }
    }

    @Override
    public CompletionStage<Optional<PersistedSession>> restoreSession(String pid, String offset) {
        return CompletableFuture.completedFuture(store == null ? Optional.empty() : store.take(pid, offset));
    }

    @Override
    public CompletionStage<List<List<Object>>> missedPackets(PersistedSession session, String offset) {
        List<List<Object>> missed = store == null ? null : store.after(session, offset);
        return missed == null
                ? CompletableFuture.failedFuture(new IllegalStateException("offset " + offset + " is no longer known"))
                : CompletableFuture.completedFuture(missed);
    }

    /** @return how many sessions wait for recovery (for tests and metrics). */
    public int persistedSessionCount() {
        return store == null ? 0 : store.sessionCount();
    }

    /** @return how many events are stored for recovery (for tests and metrics). */
    public int storedEventCount() {
        return store == null ? 0 : store.eventCount();
    }

    /** Drops expired sessions and events now (they are otherwise dropped as new ones arrive). */
    public void purgeExpired() {
        if (store != null) {
            store.purge();
        }
    }

    // ---- selection ----

    /**
     * @return the connected local sockets the options select, each once, collected before anything
     *         acts on them: what server-side operations (fetch, join, leave, disconnect) act on
     */
    protected List<LocalSocket> select(BroadcastOptions options) {
        List<LocalSocket> selected = new ArrayList<>();
        apply(options, socket -> {
            if (socket.isConnected()) {
                selected.add(socket);
            }
        });
        return selected;
    }

    /** Calls {@code action} for each local socket the options select, each once. */
    protected void apply(BroadcastOptions options, Consumer<LocalSocket> action) {
        Set<String> except = exceptIds(options.except());
        if (options.rooms().isEmpty()) {
            for (String id : sids.keySet()) {
                visit(id, except, action);
            }
            return;
        }
        Set<String> seen = options.rooms().size() > 1 ? new HashSet<>() : null;
        for (String room : options.rooms()) {
            Set<String> ids = rooms.get(room);
            if (ids == null) {
                continue;
            }
            for (String id : ids) {
                if (seen == null || seen.add(id)) {
                    visit(id, except, action);
                }
            }
        }
    }

    private void visit(String id, Set<String> except, Consumer<LocalSocket> action) {
        if (except.contains(id)) {
            return;
        }
        LocalSocket socket = namespace.localSocket(id);
        if (socket != null) {
            action.accept(socket);
        }
    }

    private Set<String> exceptIds(Set<String> exceptRooms) {
        if (exceptRooms.isEmpty()) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (String room : exceptRooms) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                ids.addAll(members);
            }
        }
        return ids;
    }

    private SocketPacket inNamespace(SocketPacket packet, long ackId) {
        if (packet.namespace().equals(namespace.name()) && packet.id() == ackId) {
            return packet;
        }
        return new SocketPacket(packet.type(), namespace.name(), ackId, packet.data());
    }
}
