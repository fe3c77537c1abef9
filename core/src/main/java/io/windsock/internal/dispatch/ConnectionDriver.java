package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.Args;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.connection.ConnectionBackend;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.protocol.NonFiniteList;
import io.windsock.internal.server.AckErrors;
import io.windsock.internal.server.NonBlockingAware;
import io.windsock.internal.server.SocketHooks;
import io.windsock.server.ClientError;
import io.windsock.server.Ack;
import io.windsock.server.CatchAllListener;
import io.windsock.server.ConnectError;
import io.windsock.server.DisconnectReason;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;

/**
 * Drives one {@link SocketConnection} on one {@link Socket}: runs its hooks, dispatches the socket's
 * events to its handlers, turns return values into acks, and reports bad events. Public only
 * because {@code SocketConnection} delegates to it; not an API.
 *
 * <p>Threading: {@link #open}, {@link #onEvent} and {@link #onClose} run on the socket's serial
 * executor; the emitting methods may be called from any thread.
 */
public final class ConnectionDriver implements ConnectionBackend {
    private static final Logger log = Loggers.ERRORS;
    private static final String REFUSED = "connection refused";

    private final SocketConnection connection;
    private final Socket socket;
    private final ConnectionType type;
    private final ObjectMapper mapper;
    private final ErrorHandler errors;
    private final ConnectionOptions options;
    /**
     * The event being handled, so that {@code super.onEvent(...)} can reach its ack. A plain field,
     * written and reliably read only by the thread handling the event: see {@link #dispatchDefault}.
     */
    private Incoming current;

    /** One incoming event, in TornadIO2's args/kwargs shape too. */
    private static final class Incoming {
        final List<Object> raw;
        final List<Object> args;
        final Map<String, Object> kwargs;
        final Ack ack;
        /** Whether strict conversion must look for a non-finite number: false for arguments the wire reader did not mark. */
        final boolean mayHoldNonFinite;
        /** Set when a handler received the Ack itself: then its return value is not an ack. */
        boolean ackTaken;
        /** The thread handling the event: the one from which {@code super.onEvent(...)} may dispatch it. */
        final Thread thread = Thread.currentThread();

        @SuppressWarnings("unchecked")
        Incoming(List<Object> raw, Ack ack, boolean mayHoldNonFinite) {
            this.raw = raw;
            this.ack = ack;
            this.mayHoldNonFinite = mayHoldNonFinite;
            if (raw.size() == 1 && raw.get(0) instanceof Map<?, ?> object) {
                this.args = List.of();
                this.kwargs = Collections.unmodifiableMap((Map<String, Object>) object);
            } else {
                this.args = Collections.unmodifiableList(raw);
                this.kwargs = Map.of();
            }
        }
    }

    /** @param mapper the application's mapper; conversion uses its strict copy unless the options say lenient */
    ConnectionDriver(SocketConnection connection, Socket socket, ConnectionType type, ObjectMapper mapper,
                     ErrorHandler errors, ConnectionOptions options) {
        this(connection, socket, type, mapper, errors, options, false);
    }

    /**
     * @param again whether the connection served an earlier socket of the same session and now
     *              serves its recovered successor (it is then re-attached)
     */
    ConnectionDriver(SocketConnection connection, Socket socket, ConnectionType type, ObjectMapper mapper,
                     ErrorHandler errors, ConnectionOptions options, boolean again) {
        this.connection = connection;
        this.socket = socket;
        this.type = type;
        // Strict unless asked: conversion must never change the data (see StrictConversion).
        this.mapper = options.lenientConversion() ? mapper : StrictConversion.of(mapper);
        this.errors = errors;
        this.options = options;
        if (again) {
            ConnectionAccess.reattach(connection, this);
        } else {
            ConnectionAccess.attach(connection, this);
        }
    }

    @Override
    public Socket socket() {
        return socket;
    }

    SocketConnection connection() {
        return connection;
    }

    // ---- lifecycle ----

    /**
     * The connection's middleware step: asks {@code onOpen}, then wires events and close. Throws to
     * refuse (a {@link ConnectError} keeps its message and data).
     */
    void open() throws Exception {
        if (!askOnOpen()) {
            throw new ConnectError(REFUSED);
        }
        wire();
        // Accepted: onClose pairs with this onOpen even if the socket never connects (its client drops
        // or the connect timeout fires while the middlewares run, or a later middleware refuses it),
        // as TornadIO2 calls on_close for every accepted on_open; else what onOpen set up would leak.
        SocketHooks.onAbandoned(socket, this::onClose);
    }

    /**
     * For a socket already connected without the middleware step (a recovered socket whose
     * middlewares were skipped): asks {@code onOpen} all the same, and since the client already has
     * its CONNECT reply, a refusal makes the socket leave the namespace. Socket executor.
     */
    void openConnected() {
        boolean accepted;
        try {
            accepted = askOnOpen();
        } catch (Exception | Error e) {
            // An Error too (an assertion, a missing class): left connected, the socket would hear nothing.
            socket.disconnect(false);
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            if (!(e instanceof ConnectError)) {
                errors.onError(socket, "connection", e);
            }
            return;
        }
        if (accepted) {
            wire();
        } else {
            socket.disconnect(false);
        }
    }

    private boolean askOnOpen() throws Exception {
        try {
            return ConnectionAccess.onOpen(connection, socket.handshake());
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void wire() {
        socket.fallback(new Dispatcher());
        socket.onDisconnect(this::onClose);
    }

    void onClose(DisconnectReason reason) {
        try {
            ConnectionAccess.onClose(connection, reason);
        } catch (VirtualMachineError fatal) {
            throw fatal; // reported by the socket, which runs this as a listener and throws it on
        } catch (Throwable t) {
            errors.onError(socket, "disconnect", t);
        }
    }

    // ---- emitting, any thread ----

    /*
     * Straight to the socket, from onOpen too: while it connects, its output gate holds what it is sent,
     * encoded and within the connection's bound, in the order of the calls, for after the CONNECT reply,
     * and drops it if the socket never connects (failing the acks asked). So a value that cannot be
     * written throws here, at the call, as from a handler.
     */

    @Override
    public void emit(String event, Object... args) {
        socket.emit(event, args);
    }

    @Override
    public void emitVolatile(String event, Object... args) {
        socket.emitVolatile(event, args);
    }

    @Override
    public CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        return socket.emitWithAck(timeout, event, args);
    }

    // ---- dispatch, on the socket's executor ----

    /** The socket's fallback: tells which events have {@code @NonBlocking} handlers, and runs them all. */
    private final class Dispatcher implements CatchAllListener, NonBlockingAware {
        @Override
        public void onEvent(String event, List<Object> args, Ack ack) {
            ConnectionDriver.this.onEvent(event, args, ack);
        }

        @Override
        public boolean isNonBlocking(String event) {
            return type.isNonBlocking(event);
        }
    }

    /** The socket's fallback listener: every event without a functional listener of its own. */
    void onEvent(String name, List<Object> raw, Ack ack) {
        // The socket passes the arguments as decoded: the wire reader marked them if they hold an infinity.
        Incoming in = new Incoming(raw, ack, raw instanceof NonFiniteList);
        Incoming outer = current;
        current = in;
        try {
            Object result;
            if ("message".equals(name) && type.overridesOnMessage()) {
                if (raw.size() > 1) {
                    throw BadEvent.mismatch(name, raw.size() + " arguments received, 1 expected", "onMessage(Object message)", raw);
                }
                ConnectionAccess.onMessage(connection, raw.isEmpty() ? null : raw.get(0));
                result = null;
            } else if (type.overridesOnEvent()) {
                result = ConnectionAccess.onEvent(connection, name, in.args, in.kwargs);
            } else {
                result = dispatch(name, in);
            }
            if (!in.ackTaken) {
                reply(name, ack, result);
            }
        } catch (BadEvent e) {
            rejected(name, ack, e);
        } catch (VirtualMachineError fatal) {
            // Thrown on, as from a functional listener: the socket, which calls this as its fallback
            // listener, reports it (once) and throws it on. The client still gets its error ack if it can.
            try {
                if (ack.requested()) {
                    ack.send(AckErrors.internal());
                }
            } catch (RuntimeException | Error ackFailure) {
                fatal.addSuppressed(ackFailure);
            }
            throw fatal;
        } catch (Throwable t) {
            failed(name, ack, t);
        } finally {
            current = outer;
        }
    }

    /** {@code SocketConnection.onEvent}'s default: the {@code @Event} handler, by the rules of its javadoc. */
    @Override
    public Object dispatchDefault(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
        Incoming in = current;
        // Only the thread inside onEvent reads its own event here. Another thread, or this one once onEvent
        // returned, would read racy state (no event, or a later event and its ack): it cannot see an event
        // this thread handles, so the check refuses it every time (the field is final, the read is safe).
        if (in == null || in.thread != Thread.currentThread()) {
            throw new IllegalStateException("super.onEvent(\"" + LogSafe.text(name) + "\", ...) called outside"
                    + " the onEvent call of socket " + socket.id() + ": call it from within onEvent, on its thread,"
                    + " not after it returned (from a CompletableFuture task, say); to answer later, dispatch"
                    + " first and return a CompletionStage of the result");
        }
        if (in.args != args || in.kwargs != kwargs) {
            // Not the lists this event arrived with: bind what they describe, keeping the event's ack.
            List<Object> raw = !args.isEmpty() || kwargs.isEmpty() ? args : List.of(kwargs);
            // The application's lists: whatever they hold, the wire reader did not check it.
            Incoming rebuilt = new Incoming(raw, in.ack, true);
            Object result = dispatchRethrowing(name, rebuilt);
            in.ackTaken |= rebuilt.ackTaken;
            return result;
        }
        return dispatchRethrowing(name, in);
    }

    private Object dispatchRethrowing(String name, Incoming in) throws Exception {
        try {
            return dispatch(name, in);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CompletionException(t);
        }
    }

    private Object dispatch(String name, Incoming in) throws Throwable {
        HandlerMethod handler = type.handler(name);
        if (handler == null) {
            throw BadEvent.unknown(name, in.raw);
        }
        Object[] args = handler.bind(in.raw, in.ack, mapper, in.mayHoldNonFinite);
        in.ackTaken |= handler.takesAck();
        return handler.invoke(connection, args);
    }

    // ---- acks and errors ----

    /** Return value to ack: null (void) is an empty ack, {@link Args} several values, a stage acks when done. */
    private void reply(String event, Ack ack, Object result) {
        if (result instanceof CompletionStage<?> stage) {
            // Failures are reported even when no ack was asked, or they would vanish.
            // Completed on this socket's executor whatever thread completes the stage (never a network one).
            stage.whenCompleteAsync((value, error) -> completed(event, ack, value, error), socket.executor());
        } else if (ack.requested()) {
            if (result == null) {
                ack.send();
            } else if (result instanceof Args several) {
                ack.send(several.values().toArray());
            } else {
                ack.send(result);
            }
        }
    }

    /**
     * A returned stage ended. Whatever throws here would vanish in the stage, so a value that cannot
     * be sent (not encodable as JSON) takes the failure path, and an error handler that throws is logged.
     */
    private void completed(String event, Ack ack, Object value, Throwable error) {
        Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (failure == null) {
            try {
                reply(event, ack, value);
                return;
            } catch (Throwable t) {
                failure = t;
            }
        }
        try {
            failed(event, ack, failure);
        } catch (Throwable handlerFailure) {
            log.error("socket {} event {}: the error handler threw", socket.id(), LogSafe.text(event), handlerFailure);
        }
    }

    private void rejected(String event, Ack ack, BadEvent e) {
        try {
            errors.onError(socket, event, new ClientError(e.getMessage()));
        } finally { // an error handler that throws must not spare the client its error ack and the policy
            if (ack.requested()) {
                ack.send(AckErrors.of(e.code(), e.clientMessage()));
            }
            switch (options.onBadEvent()) {
                case CLOSE_NAMESPACE -> socket.disconnect(false);
                case CLOSE_CONNECTION -> socket.disconnect(true);
                case KEEP_OPEN -> {
                }
            }
        }
    }

    /** A handler threw: a server-side bug, so the client learns only that it failed. */
    private void failed(String event, Ack ack, Throwable error) {
        try {
            errors.onError(socket, event, error);
        } finally { // the client's callback fires even if the error handler throws
            if (ack.requested()) {
                ack.send(AckErrors.internal());
            }
        }
    }
}
