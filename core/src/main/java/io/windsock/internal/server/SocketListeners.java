package io.windsock.internal.server;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a socket's application registered: event listeners, event middlewares, catch-all listeners
 * both ways, disconnect listeners; and how they are called. Registration is thread-safe; the
 * dispatch methods run on the socket's executor. Every failure goes to the error hook.
 */
final class SocketListeners {
    private final Socket socket;
    private final ErrorHandler errors;
    private final Map<String, EventListener> listeners = new ConcurrentHashMap<>();
    private final List<EventMiddleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<CatchAllListener> anyListeners = new CopyOnWriteArrayList<>();
    private final List<OutgoingListener> outgoingListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DisconnectReason>> disconnectListeners = new CopyOnWriteArrayList<>();
    private volatile CatchAllListener fallback;

    SocketListeners(Socket socket, ErrorHandler errors) {
        this.socket = socket;
        this.errors = errors;
    }

    void on(String event, EventListener listener) {
        listeners.put(event, listener);
    }

    void off(String event) {
        listeners.remove(event);
    }

    void use(EventMiddleware middleware) {
        middlewares.add(middleware);
    }

    void onAny(CatchAllListener listener) {
        anyListeners.add(listener);
    }

    void onAnyOutgoing(OutgoingListener listener) {
        outgoingListeners.add(listener);
    }

    void fallback(CatchAllListener listener) {
        fallback = listener;
    }

    void onDisconnect(Consumer<DisconnectReason> listener) {
        disconnectListeners.add(listener);
    }

    /**
     * An incoming event: the middlewares (a rejection answers the ack: a {@link Rejection}'s message,
     * else a generic one), then
     * the catch-all listeners, then the event's listener or else the fallback.
     */
    void dispatch(String event, List<Object> args, Ack ack) {
        for (EventMiddleware middleware : middlewares) {
            try {
                middleware.handle(event, args);
            } catch (Exception e) {
                ack.send(rejectionReply(e));
                if (!(e instanceof Rejection)) {
                    errors.onError(socket, event, e);
                }
                return;
            }
        }
        try {
            for (CatchAllListener any : anyListeners) {
                any.onEvent(event, args, ack);
            }
            EventListener listener = listeners.get(event);
            if (listener != null) {
                listener.onEvent(args, ack);
            } else {
                CatchAllListener fb = fallback;
                if (fb != null) {
                    fb.onEvent(event, args, ack);
                }
            }
        } catch (Exception e) {
            errors.onError(socket, event, e);
        }
    }

    /** The ack of a rejected event: a {@link Rejection}'s own text, else a generic one (never exception text). */
    private static Map<String, Object> rejectionReply(Exception e) {
        Map<String, Object> reply = new LinkedHashMap<>();
        if (e instanceof Rejection rejection) {
            reply.put("message", rejection.getMessage() == null ? "rejected" : rejection.getMessage());
            if (rejection.data() != null) {
                reply.put("data", rejection.data());
            }
        } else {
            reply.put("message", Rejection.GENERIC_MESSAGE);
        }
        return reply;
    }

    boolean hasOutgoingListeners() {
        return !outgoingListeners.isEmpty();
    }

    /** An event went out to the client. */
    void outgoing(SocketPacket packet) {
        List<Object> all = packet.args();
        if (all.isEmpty()) {
            return;
        }
        String event = String.valueOf(all.get(0));
        List<Object> args = all.subList(1, all.size());
        for (OutgoingListener listener : outgoingListeners) {
            try {
                listener.onEvent(event, args);
            } catch (Exception e) {
                errors.onError(socket, event, e);
            }
        }
    }

    void disconnected(DisconnectReason reason) {
        for (Consumer<DisconnectReason> listener : disconnectListeners) {
            try {
                listener.accept(reason);
            } catch (RuntimeException e) {
                errors.onError(socket, "disconnect", e);
            }
        }
    }
}
