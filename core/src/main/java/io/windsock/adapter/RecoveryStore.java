package io.windsock.adapter;

import io.windsock.internal.log.LogSafe;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.ConnectionStateRecovery;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The in-memory adapter's connection state recovery: the log of stored events with their offsets,
 * and the sessions of sockets that left involuntarily. Both expire after the recovery window and are
 * purged as new entries arrive; both are capped by count too ({@link ConnectionStateRecovery}), the
 * oldest dropped first, as if expired. All state is guarded by this object's monitor.
 *
 * <p>Offsets are this store's tag followed by the base-36 form of a sequence number that grows by one
 * per stored event, so the log is contiguous: an offset is known while it is at most one before the
 * oldest stored event. The tag, random per store, keeps other strings from passing for offsets:
 * socket.io-client takes the last argument of any event it gets, when a string, for its offset (a
 * volatile event's "1" too), and a bare sequence number would have made that a position in the log,
 * replaying events the client had as missed. Node, whose offsets are ids of stored events, finds no
 * event by such a string and connects the client afresh; so does this store.
 */
final class RecoveryStore {
    /** Delivers a stored event; called while the log is locked, so delivery follows offset order. */
    interface Delivery {
        void deliver(SocketPacket stored, String offset);
    }

    private record StoredEvent(long seq, long emittedAt, List<Object> data, BroadcastOptions options) {
    }

    private record Entry(PersistedSession session, long disconnectedAt) {
    }

    /** Drops at a bound: a busy server can reach them often, so a few lines a minute. */
    private static final RateLimitedLog drops = new RateLimitedLog(Loggers.ADAPTER);

    private final String namespace;
    private final long maxMillis;
    private final int maxEvents;
    private final int maxSessions;
    private final Clock clock;
    /** The prefix of this store's offsets. */
    private final String tag = randomTag();
    /** Stored events, oldest first; sequence numbers contiguous. */
    private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
    /** The last sequence number given (0: none yet). */
    private long lastSeq;
    /** Sessions by pid, in the order they were persisted (so the oldest expire first). */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>();

    RecoveryStore(String namespace, ConnectionStateRecovery recovery, Clock clock) {
        this.namespace = LogSafe.text(namespace); // a dynamic namespace's name comes from a client
        this.maxMillis = recovery.maxDisconnectionDuration().toMillis();
        this.maxEvents = recovery.maxStoredEvents();
        this.maxSessions = recovery.maxPersistedSessions();
        this.clock = clock;
    }

    /** @return whether a packet is stored: an EVENT without an ack id and not volatile. */
    static boolean isStored(SocketPacket packet, BroadcastOptions options) {
        return packet.type().isEvent() && !packet.hasId() && !options.volatileFlag();
    }

    /** Stores an event with a new offset as its last argument and delivers it, both under the lock. */
    synchronized void append(SocketPacket packet, BroadcastOptions options, Delivery delivery) {
        long now = clock.millis();
        purge(now);
        long seq = ++lastSeq;
        String offset = tag + Long.toString(seq, 36);
        List<Object> data = new ArrayList<>(packet.args().size() + 1);
        data.addAll(packet.args());
        data.add(offset);
        List<Object> frozen = Collections.unmodifiableList(data);
        events.add(new StoredEvent(seq, now, frozen, options));
        if (events.size() > maxEvents) {
            StoredEvent dropped = events.pollFirst(); // younger than the window: purge() just ran
            drops.warn("stored-events", "namespace {}: {} stored events (maxStoredEvents) reached: events "
                    + "{} ms old are dropped before their recovery window", namespace, maxEvents, now - dropped.emittedAt());
        }
        delivery.deliver(new SocketPacket(packet.type(), packet.namespace(), SocketPacket.NO_ID, frozen), offset);
    }

    synchronized void persist(PersistedSession session) {
        long now = clock.millis();
        purge(now);
        sessions.remove(session.pid());
        sessions.put(session.pid(), new Entry(session, now));
        if (sessions.size() > maxSessions) {
            Iterator<Entry> oldest = sessions.values().iterator();
            long age = now - oldest.next().disconnectedAt();
            oldest.remove();
            drops.warn("persisted-sessions", "namespace {}: {} persisted sessions (maxPersistedSessions) reached: "
                    + "a session {} ms old is dropped before its recovery window", namespace, maxSessions, age);
        }
    }

    /** Removes and returns a session that has not expired and whose offset is still known. */
    synchronized Optional<PersistedSession> take(String pid, String offset) {
        long now = clock.millis();
        purge(now);
        Entry entry = sessions.remove(pid);
        if (entry == null || parse(offset) < 0) {
            return Optional.empty();
        }
        return Optional.of(entry.session());
    }

    /** @return the data of the events after offset that the session's rooms select, oldest first; null if unknown. */
    synchronized List<List<Object>> after(PersistedSession session, String offset) {
        long seq = parse(offset);
        if (seq < 0) {
            return null;
        }
        List<List<Object>> missed = new ArrayList<>();
        Iterator<StoredEvent> it = events.descendingIterator();
        while (it.hasNext()) {
            StoredEvent event = it.next();
            if (event.seq() <= seq) {
                break;
            }
            if (event.options().selects(session.rooms())) {
                missed.add(event.data());
            }
        }
        Collections.reverse(missed);
        return missed;
    }

    synchronized int sessionCount() {
        return sessions.size();
    }

    synchronized int eventCount() {
        return events.size();
    }

    /** Drops what is older than the window. */
    synchronized void purge() {
        purge(clock.millis());
    }

    /** @return the sequence number of a known offset, or -1. */
    private long parse(String offset) {
        if (offset == null || !offset.startsWith(tag) || offset.length() > tag.length() + 12) {
            return -1;
        }
        String number = offset.substring(tag.length());
        long seq;
        try {
            seq = Long.parseLong(number, 36);
        } catch (NumberFormatException e) {
            return -1;
        }
        if (!Long.toString(seq, 36).equals(number)) {
            return -1; // only the form this store writes: no sign, leading zero or capital
        }
        long oldest = events.isEmpty() ? lastSeq + 1 : events.peekFirst().seq();
        return seq >= oldest - 1 && seq <= lastSeq ? seq : -1;
    }

    /** Five base-36 characters: one chance in 60 million that a given string starts with them. */
    private static String randomTag() {
        StringBuilder tag = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            tag.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
        }
        return tag.toString();
    }

    private void purge(long now) {
        long threshold = now - maxMillis;
        while (!events.isEmpty() && events.peekFirst().emittedAt() < threshold) {
            events.pollFirst();
        }
        Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().disconnectedAt() < threshold) {
            it.remove();
        }
    }
}
