package io.windsock.connection;

import java.util.Objects;

/**
 * How a namespace's {@link SocketConnection}s treat clients, immutable. Build with
 * {@link #builder()}, change a copy with {@link #toBuilder()}.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@link #onBadEvent()}</td><td>{@link BadEventAction#KEEP_OPEN}</td><td>what follows an event
 * that cannot be delivered (unknown name, missing or extra arguments, a value that does not convert),
 * after it was reported to the error handler and answered with an error ack when the client asked
 * for one: nothing, closing this namespace's socket, or closing the client's whole connection</td></tr>
 * <tr><td>{@link #lenientConversion()}</td><td>{@code false}</td><td>strict conversion: a number with
 * a fraction never binds to an integer type, a string never to a number or a boolean, a number or a
 * boolean never to a string, a number out of the type's range is a mismatch (the full rules are in
 * the project's {@code docs/event-model.md}). {@code true} converts
 * with the server's {@code ObjectMapper} exactly as configured (Jackson's coercions: {@code "5"} to
 * {@code 5}, {@code 1.5} to {@code 1})</td></tr>
 * </table>
 */
public final class ConnectionOptions {
    /** Every option at its default. */
    public static final ConnectionOptions DEFAULT = new Builder().build();

    /** What happens to the client after a bad event (it is always reported and answered first). */
    public enum BadEventAction {
        /** The socket stays connected: the default. */
        KEEP_OPEN,
        /**
         * This namespace's socket leaves, as {@link SocketConnection#close()} does: the client sees
         * {@code disconnect} with {@code "io server disconnect"} on this namespace only; its other
         * namespaces on the same connection go on.
         */
        CLOSE_NAMESPACE,
        /**
         * The client's whole connection closes, every namespace on it included, as TornadIO2 closed
         * the session on a signature mismatch.
         */
        CLOSE_CONNECTION
    }

    private final BadEventAction onBadEvent;
    private final boolean lenientConversion;

    private ConnectionOptions(Builder builder) {
        this.onBadEvent = builder.onBadEvent;
        this.lenientConversion = builder.lenientConversion;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().onBadEvent(onBadEvent).lenientConversion(lenientConversion);
    }

    /** @return what follows a bad event; {@link BadEventAction#KEEP_OPEN} by default. */
    public BadEventAction onBadEvent() {
        return onBadEvent;
    }

    /** @return whether values convert with Jackson's coercions rather than strictly; {@code false} by default. */
    public boolean lenientConversion() {
        return lenientConversion;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionOptions other && onBadEvent == other.onBadEvent
                && lenientConversion == other.lenientConversion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(onBadEvent, lenientConversion);
    }

    @Override
    public String toString() {
        return "ConnectionOptions[onBadEvent=" + onBadEvent + ", lenientConversion=" + lenientConversion + "]";
    }

    public static final class Builder {
        private BadEventAction onBadEvent = BadEventAction.KEEP_OPEN;
        private boolean lenientConversion;

        private Builder() {
        }

        /** What follows a bad event; see {@link BadEventAction}. */
        public Builder onBadEvent(BadEventAction action) {
            this.onBadEvent = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * Shorthand: {@code true} closes this namespace's socket after a bad event
         * ({@link BadEventAction#CLOSE_NAMESPACE}), {@code false} keeps it open.
         */
        public Builder closeOnBadEvent(boolean close) {
            return onBadEvent(close ? BadEventAction.CLOSE_NAMESPACE : BadEventAction.KEEP_OPEN);
        }

        /** Converts values with the server's {@code ObjectMapper} as configured, Jackson's coercions included. */
        public Builder lenientConversion(boolean lenient) {
            this.lenientConversion = lenient;
            return this;
        }

        public ConnectionOptions build() {
            return new ConnectionOptions(this);
        }
    }
}
