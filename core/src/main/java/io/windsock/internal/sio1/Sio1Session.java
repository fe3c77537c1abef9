package io.windsock.internal.sio1;

import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.EngineScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One protocol-1 session: the outgoing queue (held while no transport is attached), at most one
 * attached transport, heartbeats from the handshake on, a sliding expiry, and close.
 *
 * <p>Threading: state lives on the session's {@link EngineScheduler} (the event loop of the
 * handshake's connection); transports call the {@code on*}/{@code attach}/{@code detach} methods
 * there. {@link #send} and {@link #close} may be called from any thread. The {@link Handler} is
 * called on the scheduler thread and must not block.
 */
public final class Sio1Session {
    /** Heartbeats sent and not answered after which the session closes. */
    static final int MAX_MISSED_HEARTBEATS = 3;
    /** The most UTF-16 units a stream (websocket, htmlfile) is handed at once: Netty's default high-water mark. */
    static final int STREAM_BATCH_CHARS = 64 * 1024;
    /** Requests held while reading is paused, at most: see {@link Sio1Inbound}. */
    static final int MAX_HELD_POSTS = Sio1Inbound.MAX_HELD_POSTS;

    /** Receives what the client sends. Scheduler thread; must not block. */
    public interface Handler {
        /** A packet other than a heartbeat. */
        void onPacket(Sio1Session session, Sio1Packet packet);

        /** The client used its first transport: {@link #transportName()} names it from now on. Once. */
        default void onFirstTransport(Sio1Session session) {
        }

        /** The session closed ("client disconnect", "heartbeat timeout", "expired", "parse error", ...). Once. */
        void onClose(Sio1Session session, String reason);
    }

    /**
     * A way packets reach the client. The session calls it on its scheduler thread only, but for
     * {@link #isWritable}, which {@link #isWritableNow} asks from any thread.
     */
    public interface Transport {
        String name();

        /**
         * @return whether {@link #send} may be called now: for a stream, whether its connection is under
         *         Netty's write-buffer high-water mark. Any thread (an estimate off the scheduler thread).
         */
        boolean isWritable();

        /** @return whether a send answers it and ends it (a poll), or it stays open (a stream). */
        boolean isOneShot();

        /**
         * Writes packets: answers a poll, or writes them on the stream. Runs {@code written} once
         * they have left for the network (or failed to): until then they count against the
         * session's outbound bound, wherever they wait.
         */
        void send(List<String> packets, Runnable written);

        /** The session closed and its last packets are written (streams): end the transport. */
        void close();

        /** Flow control: stop or resume reading the client. */
        default void setReadingSuspended(boolean suspended) {
        }
    }

    public enum State { OPEN, CLOSED }

    private final String id;
    private final EngineRequest request;
    private final EngineScheduler scheduler;
    private final Sio1Settings settings;
    private final Runnable onRemoved;

    /** Packets queued from any thread; taken on the scheduler thread. */
    private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
    /** UTF-16 units in {@link #outbox}; at most {@link Sio1Settings#maxQueuedChars()}. */
    private final AtomicLong queuedChars = new AtomicLong();
    /** True from a send that hands {@link #drainTask} to the scheduler until it starts: in its loop's batch at most once. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drainTask = this::runQueuedDrain;

    private volatile State state = State.OPEN;
    private volatile String lastTransportName = "none";
    /** Reading suspended and resumed, the POSTs held meanwhile, bodies a slice at a time. Scheduler thread. */
    private final Sio1Inbound inbound;
    private Handler handler;
    /** Written on the scheduler thread; volatile for {@link #hasTransport()} elsewhere. */
    private volatile Transport transport;
    // Scheduler-thread state.
    private int missedHeartbeats;
    private boolean handlerClosed;
    private boolean removed;
    private boolean transportSeen;
    private EngineScheduler.Cancellable heartbeatTimer = EngineScheduler.Cancellable.NONE;
    /*
     * The expiry and the poll timeout move with every poll of a polling client. Each has one timer
     * that is not moved: it fires at its old time, finds the later deadline and schedules itself
     * again, so a client polling many times a second costs a timer task per timeout, not two per poll.
     */
    private EngineScheduler.Cancellable expiryTimer = EngineScheduler.Cancellable.NONE;
    private boolean expiryScheduled;
    /** When the session expires ({@link EngineScheduler#nanoTime()}) unless renewed. */
    private long expiresAt;
    private EngineScheduler.Cancellable pollTimer = EngineScheduler.Cancellable.NONE;
    private boolean pollTimerScheduled;
    /** The one-shot transport the poll timeout is for, while it waits, and when it gets the noop. */
    private Transport waitingPoll;
    private long pollExpiresAt;

    Sio1Session(String id, EngineRequest request, EngineScheduler scheduler, Sio1Settings settings, Runnable onRemoved) {
        this.id = id;
        this.request = request;
        this.scheduler = scheduler;
        this.settings = settings;
        this.onRemoved = onRemoved;
        this.inbound = new Sio1Inbound(new Sio1Inbound.Sink() {
            @Override
            public void onPacketText(String text) {
                Sio1Session.this.onPacketText(text);
            }

            @Override
            public void closeNow(String reason, boolean sendDisconnect) {
                Sio1Session.this.closeNow(reason, sendDisconnect);
            }

            @Override
            public void onReadingSuspended(boolean suspended) {
                if (transport != null) {
                    transport.setReadingSuspended(suspended);
                }
            }
        }, settings.maxPacketsPerPayload());
    }

    public String id() {
        return id;
    }

    /** @return the handshake request. */
    public EngineRequest request() {
        return request;
    }

    public EngineScheduler scheduler() {
        return scheduler;
    }

    public State state() {
        return state;
    }

    /** @return the attached transport's name, or the last one's ("none" before the first). Any thread. */
    public String transportName() {
        return lastTransportName;
    }

    /** Starts heartbeats and the expiry clock. Scheduler thread, once, before any transport attaches. */
    void start(Handler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        scheduleHeartbeat();
        renewExpiry();
    }

    // ---- outgoing, any thread ----

    /**
     * Queues a packet. Past {@link Sio1Settings#maxQueuedChars()} queued for a client that does not
     * take them the packet is refused and the session closes ("transport error", dropping what waits).
     *
     * @return whether it was queued
     */
    public boolean send(String packet) {
        if (state != State.OPEN) {
            return false;
        }
        return queue(packet);
    }

    private boolean queue(String packet) {
        if (queuedChars.addAndGet(packet.length()) > settings.maxQueuedChars()) {
            queuedChars.addAndGet(-packet.length());
            closeAsTransportError();
            return false;
        }
        outbox.add(packet);
        scheduleDrain();
        return true;
    }

    /** Closes from the server side: the client gets {@code 0::} after what was queued. Any thread. */
    public void close() {
        onScheduler(() -> closeNow("server disconnect", true));
    }

    void close(String reason) {
        onScheduler(() -> closeNow(reason, false));
    }

    /**
     * The client's synchronous disconnect ({@code ?disconnect}): a transport still attached (the
     * page's own held poll or stream) is told with {@code 0::} and ends, as the 0.9 server answers.
     * Any thread.
     */
    void closeOnClientRequest() {
        onScheduler(() -> closeNow("client disconnect", transport != null));
    }

    /**
     * Closes as a failure of the transport ("transport error"): what waits in the session for the
     * client is dropped, not held for it until the session is removed. Any thread.
     */
    void closeAsTransportError() {
        onScheduler(() -> {
            if (state == State.OPEN) {
                dropQueued(); // before the close, which would hand it to an attached transport
                closeNow("transport error", false);
            }
        });
    }

    private void onScheduler(Runnable task) {
        if (scheduler.inThread()) {
            task.run();
        } else if (!scheduler.tryExecute(task)) {
            // Its thread has ended (the server released it, or it died): here, one caller at a time (a
            // stop and a dead loop's watcher may both close the session). A closed session goes now:
            // its expiry would have run on that thread.
            synchronized (this) {
                task.run();
                if (state == State.CLOSED) {
                    remove();
                }
            }
        }
    }

    // ---- scheduler thread ----

    private void runQueuedDrain() {
        drainQueued.set(false);
        drain();
    }

    private void drain() {
        Transport t = transport;
        if (t == null || !t.isWritable() || outbox.isEmpty()) {
            return;
        }
        List<String> batch = new ArrayList<>();
        long chars = 0;
        String packet;
        // A poll takes a payload's worth; a stream a write buffer's worth at a time, so that it stops
        // soon after its connection stops being writable and the rest waits here, counted.
        while ((t.isOneShot() ? batch.size() < settings.maxPacketsPerPayload() : chars < STREAM_BATCH_CHARS)
                && (packet = outbox.poll()) != null) {
            batch.add(packet);
            chars += packet.length();
        }
        if (t.isOneShot()) {
            waitingPoll = null;
            transport = null;
            renewExpiry();
        }
        long held = chars;
        t.send(batch, () -> queuedChars.addAndGet(-held));
        if (!outbox.isEmpty()) {
            scheduleDrain(); // more than one poll's worth
        } else if (state == State.CLOSED && !t.isOneShot() && transport == t) {
            transport = null;
            t.close();
        }
    }

    /** Any thread. Once the session's thread has ended, nothing drains: the queue waits, counted, for the close. */
    private void scheduleDrain() {
        if (drainQueued.compareAndSet(false, true) && !scheduler.tryExecuteBatched(drainTask)) {
            drainQueued.set(false);
        }
    }

    /**
     * Attaches a transport. Refused when one is attached already, or when the session is closed and
     * nothing is left for the client.
     */
    boolean attach(Transport t) {
        if (t.isOneShot() && transport != null && transport == waitingPoll) {
            // A poll while another waits on another connection: the client gave that one up where the
            // server could not see it (a proxy or the network dropped it). It ends with a noop and this
            // one takes its place, as the 0.9 server replaces a session's transport; refused, the
            // client would start over with a new session.
            endPoll(transport);
        }
        if (transport != null || state == State.CLOSED && outbox.isEmpty() || removed) {
            return false;
        }
        transport = t;
        lastTransportName = t.name();
        firstTransport();
        renewExpiry();
        t.setReadingSuspended(inbound.isReadingSuspended());
        if (!outbox.isEmpty()) {
            drain();
        } else if (t.isOneShot()) {
            waitingPoll = t;
            pollExpiresAt = scheduler.nanoTime() + settings.pollTimeout().toNanos();
            if (!pollTimerScheduled) {
                schedulePollCheck(settings.pollTimeout().toNanos());
            }
        }
        if (state == State.CLOSED && transport == t && !t.isOneShot() && outbox.isEmpty()) {
            transport = null;
            t.close();
        }
        return true;
    }

    /**
     * A request of a transport that does not attach (a POST) came: before any transport attached, it
     * names the transport the client chose.
     */
    void noteTransport(String name) {
        if (!transportSeen) {
            lastTransportName = name;
            firstTransport();
        }
    }

    private void firstTransport() {
        if (!transportSeen && state == State.OPEN) {
            transportSeen = true;
            handler.onFirstTransport(this);
        }
    }

    /** The transport ended (connection closed, poll answered elsewhere). No-op if it is not the attached one. */
    void detach(Transport t) {
        if (transport == t) {
            transport = null;
            waitingPoll = null;
            renewExpiry();
        }
    }

    private void schedulePollCheck(long delayNanos) {
        pollTimerScheduled = true;
        pollTimer = scheduler.schedule(this::checkPoll, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** A poll that waited the poll timeout gets a noop and ends. */
    private void checkPoll() {
        pollTimerScheduled = false;
        Transport t = waitingPoll;
        if (t == null || transport != t || removed) {
            return; // answered or gone: the next poll schedules its own check
        }
        long left = pollExpiresAt - scheduler.nanoTime();
        if (left > 0) {
            schedulePollCheck(left);
            return;
        }
        endPoll(t);
    }

    /**
     * Ends the waiting poll {@code t} with a noop, as at its timeout: a request waits behind it on its
     * connection (answers go out in order), which is read only once the poll is answered. No-op when
     * {@code t} is not the poll waiting (answered already, or gone).
     */
    void endPoll(Transport t) {
        if (t != waitingPoll || transport != t || removed) {
            return;
        }
        waitingPoll = null;
        transport = null;
        renewExpiry();
        t.send(List.of(Sio1Packet.NOOP_PACKET.encode()), () -> { });
    }

    /** {@link #endPoll} from any thread. */
    void endPollSoon(Transport t) {
        onScheduler(() -> endPoll(t));
    }

    /** @return whether {@code t} is the attached transport. */
    boolean isAttached(Transport t) {
        return transport == t;
    }

    /** A stream became writable again: send what waited. */
    void flushNow() {
        drain();
    }

    /** @return the UTF-16 units queued or written and not yet sent, counted against the bound. Any thread. */
    long pendingChars() {
        return queuedChars.get();
    }

    /** @return packets waiting in the session (not handed to a transport). Any thread. */
    int queuedPackets() {
        return outbox.size();
    }

    /** @return whether a transport is attached. Any thread (a snapshot). */
    boolean hasTransport() {
        return transport != null;
    }

    /**
     * Any thread, an estimate: whether a packet sent now would go out without waiting: the session is
     * open, a transport is attached and writable, and nothing waits in the session. Volatile packets
     * are dropped otherwise, as Socket.IO 0.9 drops them while its transport is not drained.
     */
    boolean isWritableNow() {
        Transport t = transport;
        return state == State.OPEN && t != null && t.isWritable() && outbox.isEmpty();
    }

    /** What the client sent, one packet's text. Closes the session on a packet that does not parse. */
    void onPacketText(String text) {
        if (state != State.OPEN) {
            return;
        }
        Sio1Packet packet;
        try {
            packet = Sio1Packet.decode(text);
        } catch (Sio1DecodeException e) {
            closeNow("parse error", true);
            return;
        }
        if (packet.type() == Sio1Packet.HEARTBEAT) {
            missedHeartbeats = 0;
            return;
        }
        handler.onPacket(this, packet);
    }

    /**
     * A polling body, delivered a slice at a time once reading is not paused ({@link Sio1Inbound#onPayload}).
     * {@code answer} answers the POST: it runs once the body is delivered, or dropped with the session.
     */
    void onPayload(String payload, Runnable answer) {
        inbound.onPayload(payload, answer);
    }

    /** Flow control from the layer above. Any thread. */
    public void suspendReading() {
        onScheduler(() -> inbound.setReadingSuspended(true));
    }

    public void resumeReading() {
        onScheduler(() -> inbound.setReadingSuspended(false));
    }

    boolean isReadingSuspended() {
        return inbound.isReadingSuspended();
    }

    /** Runs a task once reading is not suspended, after those held before it; see {@link Sio1Inbound#whenReading}. */
    void whenReading(Runnable task) {
        inbound.whenReading(task);
    }

    private void scheduleHeartbeat() {
        heartbeatTimer = scheduler.schedule(this::heartbeat, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        if (state != State.OPEN) {
            return;
        }
        if (inbound.isReadingSuspended()) {
            missedHeartbeats = 0; // its answers cannot be read now
        }
        if (missedHeartbeats >= MAX_MISSED_HEARTBEATS) {
            closeNow("heartbeat timeout", false);
            return;
        }
        missedHeartbeats++;
        queue(Sio1Packet.HEARTBEAT_PACKET.encode());
        if (state == State.OPEN) { // past the bound, the heartbeat closed the session
            scheduleHeartbeat();
        }
    }

    /** The session expires {@code sessionExpiry} from now (after a close: it is removed then). */
    private void renewExpiry() {
        expiresAt = scheduler.nanoTime() + settings.sessionExpiry().toNanos();
        if (!expiryScheduled && !removed) {
            scheduleExpiryCheck(settings.sessionExpiry().toNanos());
        }
    }

    private void scheduleExpiryCheck(long delayNanos) {
        EngineScheduler.Cancellable timer = scheduler.trySchedule(this::expire, delayNanos, TimeUnit.NANOSECONDS);
        expiryScheduled = timer != null; // null: the thread has ended, and the close removes the session
        expiryTimer = timer != null ? timer : EngineScheduler.Cancellable.NONE;
    }

    private void expire() {
        expiryScheduled = false;
        if (removed) {
            return;
        }
        long left = expiresAt - scheduler.nanoTime();
        if (left > 0) {
            scheduleExpiryCheck(left); // renewed since this check was scheduled
            return;
        }
        if (transport != null && state == State.OPEN) {
            renewExpiry(); // a stream is open, or a poll waits: the client is there
            return;
        }
        closeNow("expired", false);
        remove();
    }

    private void closeNow(String reason, boolean sendDisconnect) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        heartbeatTimer.cancel();
        List<Runnable> waiting = inbound.close();
        if (sendDisconnect) {
            queue(Sio1Packet.of(Sio1Packet.DISCONNECT, "").encode());
        }
        if (!handlerClosed) {
            handlerClosed = true;
            handler.onClose(this, reason);
        }
        if (transport != null) {
            drain();
            if (transport != null && outbox.isEmpty()) {
                endTransport(); // nothing more comes: a poll waiting with nothing to take included
            }
        }
        waiting.forEach(Runnable::run); // held POSTs are answered; what they carried is dropped
        // Findable a while longer, so a poll can still take the final packets (then 401): once closed,
        // the expiry removes it.
        renewExpiry();
    }

    private void remove() {
        if (!removed) {
            removed = true;
            expiryTimer.cancel();
            pollTimer.cancel();
            dropQueued();
            // A stream that could not take the last packets stayed attached for them: nothing comes any
            // more, so it ends too, or a client that reads again later would hold it open for good.
            if (transport != null) {
                endTransport();
            }
            onRemoved.run();
        }
    }

    /**
     * Ends the attached transport of a closed session: a stream closes; a waiting poll is answered
     * now, empty, as the 0.9 server ends it (its next poll gets 401). Left attached, it would wait
     * for its poll timeout, and for good once the session is removed before that.
     */
    private void endTransport() {
        Transport t = transport;
        transport = null;
        waitingPoll = null;
        if (t.isOneShot()) {
            t.send(List.of(), () -> { });
        } else {
            t.close();
        }
    }

    /** Drops what waits in the session; what transports still write they give back themselves. */
    private void dropQueued() {
        String dropped;
        while ((dropped = outbox.poll()) != null) {
            queuedChars.addAndGet(-dropped.length());
        }
    }

    @Override
    public String toString() {
        return "Sio1Session[" + id + "]";
    }
}
