package io.windsock.internal.engine;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.internal.engine.codec.EngineCodec;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import io.windsock.internal.log.Loggers;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * One Engine.IO client session: buffering while no transport can write, and close. The heartbeat
 * ({@link Heartbeat}, per protocol revision) and the polling→WebSocket upgrade ({@link UpgradeProbe})
 * are parts of their own.
 *
 * <p>Threading: all state lives on the session's {@link EngineScheduler}; transports call the
 * {@code on*} methods there. {@link #send} and {@link #close} may be called from any thread.
 * The {@link Handler} is called on the scheduler's thread and must not block.
 */
public final class EngineSession implements ReadSwitch {
    private static final Logger log = Loggers.ENGINE;

    /** Lifecycle: OPEN until a close starts, CLOSING while a server close flushes, then CLOSED. */
    public enum State { OPEN, CLOSING, CLOSED }

    /** Receives what the client sends. Called on the session's scheduler thread; must not block. */
    public interface Handler {
        void onMessage(EngineSession session, String text);

        void onBinary(EngineSession session, byte[] data);

        /** The session is closed; {@code reason} is one of Engine.IO's: "transport close", "ping timeout", ... */
        void onClose(EngineSession session, String reason);
    }

    /** Receives nothing: before the handler is set and after the close. */
    private static final Handler IGNORE = new Handler() {
        @Override
        public void onMessage(EngineSession session, String text) { }

        @Override
        public void onBinary(EngineSession session, byte[] data) { }

        @Override
        public void onClose(EngineSession session, String reason) { }
    };

    private final String id;
    private final EngineCodec codec;
    private final EngineOptions options;
    private final EngineScheduler scheduler;
    private final EngineRequest request;
    /** Takes this session out of the server's table by id: one callback for all of a server's sessions. */
    private final Consumer<String> onRemoved;

    /** What goes to the client, counted against the outbound bound. */
    private final SessionOutbox outbox;
    /**
     * True from a send that hands {@link #inner} to the scheduler until it starts: coalesces many
     * sends into one flush, and keeps this client in its loop's batch at most once.
     */
    private static final AtomicIntegerFieldUpdater<EngineSession> DRAIN_QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "drainQueued");
    /** 1 while a drain is queued (an updater, not an AtomicBoolean: one object fewer per session). */
    private volatile int drainQueued;
    /** The heartbeat's view of this session and the queued drain: one object, not two, per session. */
    private final Inner inner = new Inner();

    // Scheduler-thread state.
    private volatile State state = State.OPEN;
    private Handler handler = IGNORE;
    /** The transport packets go out on; replaced once by an upgrade. */
    private volatile EngineTransport transport;
    /** The WebSocket upgrade under way; null until a probe starts and again once the upgrade is done. */
    private UpgradeProbe upgrade;
    private final Heartbeat heartbeat;
    private volatile boolean upgraded;
    /** Whether reading from the client is paused (flow control of the layer above). */
    private boolean readingSuspended;
    /** How long a closed session stays findable by id; see {@link #lingerAfterClose}. */
    private long lingerMillis;
    /** Ends a server-closed polling session whose client never polls again. */
    private EngineScheduler.Cancellable closeTimer = EngineScheduler.Cancellable.NONE;

    EngineSession(String id, EngineCodec codec, EngineOptions options, EngineScheduler scheduler,
                  EngineRequest request, EngineTransport transport, Consumer<String> onRemoved) {
        this.id = id;
        this.codec = codec;
        this.options = options;
        this.scheduler = scheduler;
        this.request = request;
        this.transport = transport;
        this.onRemoved = onRemoved;
        this.outbox = new SessionOutbox(options.maxPendingOutboundBytes());
        this.heartbeat = java.util.Objects.requireNonNull(Heartbeat.forProtocol(codec.protocol(), inner),
                "no heartbeat for Engine.IO revision " + codec.protocol());
    }

    public String id() {
        return id;
    }

    /** @return the Engine.IO protocol revision the client speaks. */
    public int protocol() {
        return codec.protocol();
    }

    public EngineCodec codec() {
        return codec;
    }

    public EngineRequest request() {
        return request;
    }

    @Override
    public EngineScheduler scheduler() {
        return scheduler;
    }

    public State state() {
        return state;
    }

    /** @return the current transport's name; read on the scheduler thread for an exact answer. */
    public String transportName() {
        return transport.name();
    }

    /**
     * Any thread: whether the client can take a packet right now (the session is open and its
     * transport is writable without buffering). Volatile packets are dropped when it cannot.
     */
    public boolean isWritableNow() {
        return state == State.OPEN && transport.isWritableNow();
    }

    /** @return whether the session has moved to WebSocket after starting on polling. */
    public boolean isUpgraded() {
        return upgraded;
    }

    /** @return whether a WebSocket probe is under way. Scheduler thread only. */
    public boolean isUpgrading() {
        return upgrade != null && upgrade.isProbing();
    }

    /** @return whether a WebSocket probe has answered and its UPGRADE is awaited. Scheduler thread only. */
    public boolean isUpgradeProbed() {
        return isProbed();
    }

    /** @return the transport packets currently go out on. Scheduler thread only. */
    public EngineTransport transport() {
        return transport;
    }

    /** Sets the receiver of this session's messages. Call it on the scheduler thread, before the first message. */
    public void setHandler(Handler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Queues a packet for the client. Any thread; packets go out in the order queued.
     *
     * <p>A packet that would take the bytes held for this client past
     * {@link EngineOptions#maxPendingOutboundBytes()} is refused before it is queued, and the session
     * closes with "transport error": the client is too slow to take what it is sent.
     *
     * @return whether the packet was queued (false: refused at the bound, or the session is closed)
     */
    public boolean send(EnginePacket packet) {
        if (!reserve(packet.byteSize())) {
            return false;
        }
        outbox.add(packet);
        queueDrain();
        return true;
    }

    /**
     * Queues several packets that go out together (e.g. a binary event and its attachments): all of
     * them, or none when they do not fit under the bound (see {@link #send(EnginePacket)}). Any thread.
     *
     * @return whether the packets were queued
     */
    public boolean send(List<EnginePacket> packets) {
        if (!reserve(OutboundBudget.sizeOf(packets))) {
            return false;
        }
        outbox.addAll(packets);
        queueDrain();
        return true;
    }

    /**
     * Any thread: the bytes held for this client, counted as {@link EnginePacket#byteSize()}: packets the
     * session queues plus what its transport has not yet handed to the network. At most
     * {@link EngineOptions#maxPendingOutboundBytes()}, give or take the transport's share, which moves
     * on another thread.
     */
    public long pendingOutboundBytes() {
        return outbox.held() + transport.pendingBytes();
    }

    /**
     * Closes the session from the server side ("forced close"): what is queued is flushed first, then
     * the transport closes. A transport that cannot write now (no poll waiting, a WebSocket batch on
     * its way) closes after the drain that takes the rest, or, for a client that takes nothing, once
     * pingInterval + pingTimeout have passed (a client that keeps pinging would otherwise hold the
     * session open for ever). Any thread.
     */
    public void close() {
        runOnScheduler(() -> {
            if (state != State.OPEN) {
                return;
            }
            state = State.CLOSING;
            drainOutbox();
            if (outbox.isEmpty()) {
                closeTransport();
            } else {
                closeAfterTheWait(this::abortUndrained);
                flush(); // closes the transport once the buffer has drained, now or on the next poll
            }
        });
    }

    /** The close's drain did not finish in time: the connection goes without what it did not take. */
    private void abortUndrained() {
        if (state == State.CLOSING && !outbox.isEmpty()) {
            transport.abort();
            onClose("forced close", "the client took nothing within the close's wait");
        }
    }

    /**
     * Stops reading from the client until {@link #resumeReading()}: the layer above has too much
     * queued. What was already read is still delivered. While reading is paused the client's pongs
     * cannot be read, so a missing pong does not end the session: the ping is sent again instead,
     * and after the resume the client has at least pingTimeout to answer.
     * Any thread; applied on the scheduler thread, at once when called there.
     */
    @Override
    public void suspendReading() {
        runOnScheduler(() -> setReadingSuspended(true));
    }

    /** Resumes reading after {@link #suspendReading()}. Any thread. */
    @Override
    public void resumeReading() {
        runOnScheduler(() -> setReadingSuspended(false));
    }

    /** @return whether reading is paused. Scheduler thread. */
    public boolean isReadingSuspended() {
        return readingSuspended;
    }

    private void setReadingSuspended(boolean suspended) {
        if (readingSuspended == suspended || state == State.CLOSED) {
            return;
        }
        readingSuspended = suspended;
        transport.setReadingSuspended(suspended);
        if (!suspended && state != State.CLOSED) {
            // Its answer, held while reading was paused, may come only now: not a missed one.
            heartbeat.onReadingResumed();
        }
    }

    // ---- called by the server and the transports, on the scheduler thread ----

    void open() {
        transport.opening(id);
        String websocket = TransportKind.WEBSOCKET.wireName();
        List<String> upgrades = options.allowUpgrades() && isPolling() && options.transports().contains(websocket)
                ? List.of(websocket) : List.of();
        String handshake = codec.handshake(id, upgrades, options.pingInterval().toMillis(),
                options.pingTimeout().toMillis(), options.maxHttpBufferSize());
        outbox.addControl(EnginePacket.text(EnginePacketType.OPEN, handshake));
        flush();
        heartbeat.start();
    }

    /** A packet arrived on a transport of this session. */
    public void onPacket(EngineTransport from, EnginePacket packet) {
        if (state == State.CLOSED || state == State.CLOSING && packet.type() == EnginePacketType.MESSAGE) {
            return; // closing (a server close flushing): as in the reference, no message of the client's is delivered
        }
        if (isProbe(from)) {
            upgrade.onPacket(packet);
            return;
        }
        if (from != transport) {
            return;
        }
        switch (packet.type()) {
            case MESSAGE -> {
                if (packet.isBinary()) {
                    handler.onBinary(this, packet.binary());
                } else {
                    handler.onMessage(this, packet.text());
                }
            }
            case PING, PONG -> heartbeat.onPacket(packet);
            case CLOSE -> onClose("transport close", null);
            default -> { // OPEN, UPGRADE and NOOP from a client mean nothing here.
            }
        }
    }

    /**
     * The transport can write again: a poll arrived, or a WebSocket finished writing its last batch
     * (what was queued meanwhile goes out as the next one; a close waiting behind it follows).
     */
    public void onDrain(EngineTransport t) {
        if (t != transport || state == State.CLOSED) {
            return;
        }
        drainOutbox();
        if (isProbed() && outbox.isEmpty() && transport.isWritable()) {
            // The client waits for this poll to end before it sends UPGRADE on the WebSocket.
            transport.send(List.of(EnginePacket.NOOP));
            return;
        }
        flush();
    }

    /** The transport's connection closed or its request failed. */
    public void onTransportClose(EngineTransport t) {
        if (isProbe(t)) {
            upgrade.cancel();
        } else if (t == transport) {
            onClose(state == State.CLOSING ? "forced close" : "transport close", null);
        }
    }

    /**
     * Keeps the session findable by id for a while after it closes, so a request already on its way
     * (a poll racing the client's own CLOSE) gets a clean answer from the transport rather than
     * "unknown session". Call before the close; {@link #forget()} ends it early.
     */
    public void lingerAfterClose(long millis) {
        lingerMillis = millis;
    }

    /** Removes a closed, lingering session from the server's table now. */
    public void forget() {
        if (state == State.CLOSED) {
            onRemoved.accept(id);
        }
    }

    /** The transport failed (overlapping polls, a write error): the session closes with "transport error". */
    public void onTransportError(EngineTransport t, String description) {
        if (isProbe(t)) {
            upgrade.abort();
        } else if (t == transport) {
            onClose("transport error", description);
        }
    }

    /** The client sent something undecodable: the session closes with "parse error". */
    public void onParseError(EngineTransport t, String description) {
        if (isProbe(t)) {
            upgrade.abort();
        } else if (t == transport) {
            onClose("parse error", description);
        }
    }

    /**
     * Starts probing a WebSocket opened for this session. The caller has checked
     * {@link #canUpgrade()}.
     */
    public void startUpgrade(EngineTransport websocket) {
        if (upgrade == null) {
            upgrade = new UpgradeProbe(this);
        }
        upgrade.start(websocket, options.upgradeTimeout().toMillis());
    }

    private boolean isProbe(EngineTransport t) {
        return upgrade != null && upgrade.isProbe(t);
    }

    private boolean isProbed() {
        return upgrade != null && upgrade.isProbed();
    }

    /** @return whether a WebSocket may take over this session now. */
    public boolean canUpgrade() {
        return state == State.OPEN && !isUpgrading() && !upgraded && options.allowUpgrades()
                && options.transports().contains(TransportKind.WEBSOCKET.wireName()) && isPolling();
    }

    /**
     * Closes the session as a failure of its transport ("transport error", which connection state
     * recovery treats as involuntary): what is queued is dropped. Any thread.
     */
    public void closeAsTransportError(String description) {
        runOnScheduler(() -> onClose("transport error", description));
    }

    /** Closes the session because the server stops ("server shutting down"). Any thread. */
    public void shutdown() {
        runOnScheduler(() -> {
            if (state != State.CLOSED) {
                onClose("server shutting down", null);
            }
        });
    }

    // ---- internals ----

    /**
     * The probe answered: a waiting poll ends now, and a POST held while reading is paused is answered,
     * since the client waits for both before it sends UPGRADE.
     */
    void onProbed() {
        if (transport.isWritable()) {
            transport.send(List.of(EnginePacket.NOOP));
        }
        transport.upgradeProbed();
    }

    /** The probed WebSocket sent UPGRADE: it becomes the transport, the polling one is retired. */
    void completeUpgrade(EngineTransport websocket) {
        EngineTransport polling = transport;
        transport = websocket;
        upgraded = true;
        upgrade = null; // done (the probe has let go of its timer): a session upgrades once
        if (readingSuspended) {
            websocket.setReadingSuspended(true);
        }
        polling.discard();
        drainOutbox();
        flush();
        if (state == State.CLOSING && outbox.isEmpty()) {
            closeTransport(); // else the flush that empties the buffer closes it
        }
    }

    /** What the heartbeat may do to this session. */
    private final class Inner implements Heartbeat.Session, Runnable {
        /** The drain handed to the scheduler by {@link #queueDrain}. */
        @Override
        public void run() {
            runQueuedDrain();
        }

        @Override
        public EngineScheduler scheduler() {
            return scheduler;
        }

        @Override
        public EngineOptions options() {
            return options;
        }

        @Override
        public boolean isReadingSuspended() {
            return readingSuspended;
        }

        @Override
        public void sendControl(EnginePacket packet) {
            outbox.addControl(packet);
            flush();
        }

        @Override
        public void sendPong() {
            if (!outbox.hasBufferedPong()) {
                sendControl(EnginePacket.PONG);
            }
        }

        @Override
        public void fail(String reason, String description) {
            onClose(reason, description);
        }
    }

    /**
     * Always through the scheduler, even on its thread: the sender may be inside a handler or a
     * broadcast. Batched: a broadcast to the many clients of one loop costs the loop one task.
     *
     * <p>Once that thread has ended, the drain is dropped (the flag stays set: no later send asks
     * again), so what is sent is dropped as after a close, the outbound bound capping what waits. Not
     * closed here: the sender may hold its socket's output gate, which a close reaches again; the
     * server closes such a session (a dead loop's watcher, or the stop).
     */
    private void queueDrain() {
        if (DRAIN_QUEUED.compareAndSet(this, 0, 1)) {
            scheduler.tryExecuteBatched(inner);
        }
    }

    private void runQueuedDrain() {
        drainQueued = 0;
        drainOutbox();
        flush();
    }

    private void drainOutbox() {
        outbox.drain(state == State.CLOSED);
    }

    private void flush() {
        if (state == State.CLOSED || outbox.isEmpty() || !transport.isWritable()) {
            return;
        }
        List<EnginePacket> packets = outbox.take(isPolling(), codec, options.maxPollResponseBytes());
        transport.send(packets);
        outbox.sent(packets);
        if (state == State.CLOSING && outbox.isEmpty()) {
            closeTransport();
        }
    }

    /** Reserves room for packets about to be queued, or refuses them and starts dropping the client. */
    private boolean reserve(long bytes) {
        if (state == State.CLOSED) {
            return false;
        }
        String refusal = outbox.reserve(bytes, transport.pendingBytes());
        if (refusal != null && !refusal.isEmpty()) {
            // Always a task of its own: the sender may be inside a handler or a broadcast loop on this
            // thread. Dropped once that thread is gone, as a drain is (see queueDrain).
            scheduler.tryExecute(() -> onClose("transport error", refusal));
        }
        return refusal == null;
    }

    private boolean isPolling() {
        return transport.kind() == TransportKind.POLLING;
    }

    private void closeTransport() {
        boolean pollWaiting = transport.isWritable();
        transport.close();
        if (isPolling()) {
            // Long-polling has no connection to lose: the CLOSE packet ends the session, either now
            // on the waiting poll or on the next one, which the transport reports as a close.
            if (pollWaiting) {
                onClose("forced close", null);
            } else {
                heartbeat.onClosing(); // the fallback below replaces the heartbeat
                closeTimer.cancel();
                closeAfterTheWait(() -> onClose("forced close", null));
            }
        }
    }

    /** A close's end after pingInterval + pingTimeout; at once if the session's thread has ended. */
    private void closeAfterTheWait(Runnable end) {
        EngineScheduler.Cancellable timer = scheduler.trySchedule(end,
                options.pingInterval().plus(options.pingTimeout()).toMillis(), TimeUnit.MILLISECONDS);
        if (timer == null) {
            end.run();
        } else {
            closeTimer = timer;
        }
    }

    private void onClose(String reason, String description) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        heartbeat.stop();
        closeTimer.cancel();
        if (upgrade != null) {
            upgrade.abort();
        }
        outbox.clear(); // releases what was queued; later sends are refused or dropped by their own drain
        if (outbox.overflowed()) {
            transport.abort();
        } else {
            transport.close();
        }
        if (lingerMillis <= 0
                || scheduler.trySchedule(() -> onRemoved.accept(id), lingerMillis, TimeUnit.MILLISECONDS) == null) {
            onRemoved.accept(id); // no linger, or no thread left to end it
        }
        if (log.isDebugEnabled()) {
            log.debug("session {} closed on {}: {}{}", id, transport.kind().wireName(), reason,
                    description == null ? "" : " (" + description + ")");
        }
        Handler h = handler;
        handler = IGNORE;
        h.onClose(this, reason);
    }

    private void runOnScheduler(Runnable task) {
        if (scheduler.inThread()) {
            task.run();
        } else if (!scheduler.tryExecute(task)) {
            // Its thread has ended: here, one caller at a time (a stop and a dead loop's watcher may
            // both close the session).
            synchronized (this) {
                task.run();
            }
        }
    }

    @Override
    public String toString() {
        return "EngineSession[" + id + "]";
    }
}
