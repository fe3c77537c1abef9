package io.windsock.internal.server;

import io.windsock.internal.log.Loggers;
import io.windsock.internal.log.RateLimitedLog;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.Ack;
import io.windsock.server.CatchAllListener;
import io.windsock.server.DisconnectReason;
import io.windsock.server.ErrorHandler;
import io.windsock.server.EventListener;
import io.windsock.server.EventMiddleware;
import io.windsock.server.OutgoingListener;
import io.windsock.server.Rejection;
import io.windsock.server.Socket;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * What a socket's application registered: event listeners, event middlewares, catch-all listeners
 * both ways, disconnect listeners; and how they are called. Registration is thread-safe; the
 * dispatch methods run on the socket's executor. Every failure goes to the error hook, an Error's too.
 */
final class SocketListeners {
    /**
     * Outgoing notifications one socket may have waiting for its executor (busy with a slow handler
     * while events keep going out); past it they are dropped and counted.
     */
    static final int MAX_PENDING_OUTGOING = 10_000;
    private static final AtomicIntegerFieldUpdater<SocketListeners> PENDING_OUTGOING =
            AtomicIntegerFieldUpdater.newUpdater(SocketListeners.class, "pendingOutgoing");
    private static final RateLimitedLog dropped = new RateLimitedLog(Loggers.SOCKETS);

    private final SocketImpl socket;
    private final ErrorHandler errors;
    // Immutable snapshots replaced under this object's lock (copy on write): registrations are few
    // and early, reads are per event; and most sockets never fill most of these, so they share the
    // empty ones instead of holding a concurrent collection each.
    /** Per event, its listeners in registration order (EventEmitter semantics: {@code on} adds). */
    private volatile EventListenerTable listeners = EventListenerTable.EMPTY;
    private volatile List<EventMiddleware> middlewares = List.of();
    private volatile List<CatchAllListener> anyListeners = List.of();
    private volatile List<OutgoingListener> outgoingListeners = List.of();
    private volatile List<Consumer<DisconnectReason>> disconnectingListeners = List.of();
    private volatile List<Consumer<DisconnectReason>> disconnectListeners = List.of();
    private volatile List<Consumer<DisconnectReason>> abandonListeners = List.of();
    private volatile CatchAllListener fallback;
    /** Outgoing notifications queued on the socket's executor and not yet run. */
    private volatile int pendingOutgoing;

    SocketListeners(SocketImpl socket, ErrorHandler errors) {
        this.socket = socket;
        this.errors = errors;
    }

    synchronized void on(String event, EventListener listener) {
        listeners = listeners.with(event, listener);
    }

    synchronized void off(String event) {
        listeners = listeners.without(event);
    }

    /** Removes the earliest registration of this listener for the event (as EventEmitter's {@code off}). */
    synchronized void off(String event, EventListener listener) {
        listeners = listeners.without(event, listener);
    }

    synchronized void use(EventMiddleware middleware) {
        middlewares = plus(middlewares, middleware);
    }

    synchronized void onAny(CatchAllListener listener) {
        anyListeners = plus(anyListeners, listener);
    }

    synchronized void onAnyOutgoing(OutgoingListener listener) {
        outgoingListeners = plus(outgoingListeners, listener);
    }

    void fallback(CatchAllListener listener) {
        fallback = listener;
    }

    synchronized void onDisconnecting(Consumer<DisconnectReason> listener) {
        disconnectingListeners = plus(disconnectingListeners, listener);
    }

    boolean hasDisconnecting() {
        return !disconnectingListeners.isEmpty();
    }

    synchronized void onDisconnect(Consumer<DisconnectReason> listener) {
        disconnectListeners = plus(disconnectListeners, listener);
    }

    /** See {@link SocketHooks#onAbandoned}. */
    synchronized void onAbandoned(Consumer<DisconnectReason> listener) {
        abandonListeners = plus(abandonListeners, listener);
    }

    private static <T> List<T> plus(List<T> list, T item) {
        Objects.requireNonNull(item);
        List<T> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(item);
        return List.copyOf(copy);
    }

    /**
     * @return whether every listener the event would reach is declared non-blocking: no middleware, no
     *         catch-all listener, and its own listeners (or else the fallback) all non-blocking. Any thread.
     */
    boolean isNonBlocking(String event) {
        if (!middlewares.isEmpty() || !anyListeners.isEmpty() || Events.RESERVED.contains(event)) {
            return false;
        }
        Object own = listeners.entry(event);
        if (own != null) {
            for (EventListener listener : EventListenerTable.listeners(own)) {
                if (!listener.isNonBlocking()) {
                    return false;
                }
            }
            return true;
        }
        return fallback instanceof NonBlockingAware aware && aware.isNonBlocking(event);
    }

    /**
     * An incoming event: the middlewares (a rejection answers the ack with an error, see
     * {@link AckErrors}), then the catch-all listeners, then every listener of the event in
     * registration order, or else the fallback. A listener that throws is reported and the next one
     * still runs; they share one ack, of which the first send goes out. An event whose middlewares
     * made the socket leave ({@code socket.disconnect()}) reaches no listener, as socket.io drops it.
     */
    void dispatch(String event, List<Object> args, Ack ack) {
        List<EventMiddleware> middlewares = this.middlewares;
        if (!middlewares.isEmpty() && !passMiddlewares(middlewares, event, args, ack)) {
            return;
        }
        for (CatchAllListener any : anyListeners) {
            try {
                any.onEvent(event, args, ack);
            } catch (Exception | Error e) {
                failed(event, e);
            }
        }
        Object own = listeners.entry(event);
        if (own instanceof EventListener one) {
            call(one, event, args, ack);
            return;
        }
        if (own != null) {
            for (EventListener listener : EventListenerTable.listeners(own)) {
                call(listener, event, args, ack);
            }
            return;
        }
        CatchAllListener fb = fallback;
        if (fb != null) {
            try {
                fb.onEvent(event, args, ack);
            } catch (Exception | Error e) {
                failed(event, e);
            }
        }
    }

    /**
     * Runs the event's middlewares. @return whether the event goes on to the listeners: no middleware
     * refused it (a refusal answers the ack) and none made the socket leave
     */
    private boolean passMiddlewares(List<EventMiddleware> middlewares, String event, List<Object> args, Ack ack) {
        for (EventMiddleware middleware : middlewares) {
            try {
                middleware.handle(event, args);
            } catch (Exception | Error e) {
                try {
                    ack.send(e instanceof Exception refusal ? AckErrors.rejected(refusal) : AckErrors.internal());
                } catch (UncheckedIOException unwritable) {
                    // A Rejection's data that cannot be written as JSON: the application's failure, and the
                    // client's callback still fires (nothing went out: the ack can still be sent).
                    failed(event, unwritable);
                    ack.send(AckErrors.internal());
                }
                if (!(e instanceof Rejection)) { // a Rejection is a deliberate refusal, not a failure
                    failed(event, e);
                }
                return false;
            }
        }
        // A middleware that disconnected the socket rather than refusing the event: socket.io delivers
        // nothing to a socket its middlewares left disconnected (and sends no ack). An event that arrived
        // before the client left is still delivered (see SocketInbound), so only the server's leave counts.
        return !socket.leftByServer();
    }

    private void call(EventListener listener, String event, List<Object> args, Ack ack) {
        try {
            listener.onEvent(args, ack);
        } catch (Exception | Error e) {
            failed(event, e);
        }
    }

    /**
     * Reports a listener's failure. An Error too (an assertion, a missing class): the listeners after
     * it still run and a middleware's ack is still answered, as for an exception. A
     * VirtualMachineError is thrown on once reported, as the connection and middleware steps do.
     */
    private void failed(String event, Throwable e) {
        errors.onError(socket, event, e);
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /**
     * An event about to go out to the client: the task that shows it to the outgoing listeners. The
     * caller queues it on the socket's executor under the output gate's lock, where the packet is
     * written, so the listeners see events in their wire order and before the disconnect listeners.
     * Any thread.
     *
     * @return null when there is no outgoing listener (the common case, at no cost) or
     *         {@link #MAX_PENDING_OUTGOING} notifications already wait; a task returned and then not
     *         queued (nothing was written) must be given back with {@link #outgoingNotQueued}
     */
    Runnable outgoingNotice(SocketPacket packet) {
        if (outgoingListeners.isEmpty()) {
            return null;
        }
        if (PENDING_OUTGOING.incrementAndGet(this) > MAX_PENDING_OUTGOING) {
            PENDING_OUTGOING.decrementAndGet(this);
            dropped.warn("outgoing", "socket {}: {} outgoing-listener notifications wait for its executor "
                    + "(a handler is slow or blocked): this one is dropped", socket.id(), MAX_PENDING_OUTGOING);
            return null;
        }
        return () -> {
            try {
                outgoing(packet);
            } finally {
                PENDING_OUTGOING.decrementAndGet(this);
            }
        };
    }

    /** A task from {@link #outgoingNotice} that was not queued: it no longer counts as waiting. */
    void outgoingNotQueued() {
        PENDING_OUTGOING.decrementAndGet(this);
    }

    private void outgoing(SocketPacket packet) {
        List<Object> all = packet.args();
        if (all.isEmpty()) {
            return;
        }
        String event = String.valueOf(all.get(0));
        List<Object> args = all.subList(1, all.size());
        for (OutgoingListener listener : outgoingListeners) {
            try {
                listener.onEvent(event, args);
            } catch (Exception | Error e) {
                failed(event, e);
            }
        }
    }

    void disconnecting(DisconnectReason reason) {
        run(disconnectingListeners, reason, "disconnecting");
    }

    void disconnected(DisconnectReason reason) {
        run(disconnectListeners, reason, "disconnect");
    }

    /** The socket left without having connected: its disconnect listeners do not run, these do. */
    void abandoned(DisconnectReason reason) {
        run(abandonListeners, reason, "disconnect");
    }

    private void run(List<Consumer<DisconnectReason>> list, DisconnectReason reason, String event) {
        for (Consumer<DisconnectReason> listener : list) {
            try {
                listener.accept(reason);
            } catch (RuntimeException | Error e) {
                failed(event, e); // the next one may be a connection class's onClose
            }
        }
    }
}
