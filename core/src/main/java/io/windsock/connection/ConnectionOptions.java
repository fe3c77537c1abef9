package io.windsock.connection;

/**
 * How a namespace's {@link SocketConnection}s treat clients, immutable. Build with
 * {@link #builder()}, change a copy with {@link #toBuilder()}.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>closeOnBadEvent</td><td>{@code false}</td><td>an event that cannot be delivered (unknown name,
 * missing or extra arguments, a value that does not convert) is reported to the error handler and
 * answered with an error ack when the client asked for one; with {@code true} the whole client
 * connection is then closed as well, as TornadIO2 did</td></tr>
 * </table>
 */
public final class ConnectionOptions {
    /** Every option at its default. */
    public static final ConnectionOptions DEFAULT = new Builder().build();

    private final boolean closeOnBadEvent;

    private ConnectionOptions(Builder builder) {
        this.closeOnBadEvent = builder.closeOnBadEvent;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().closeOnBadEvent(closeOnBadEvent);
    }

    /** @return whether a bad event closes the client's connection (all its namespaces). */
    public boolean closeOnBadEvent() {
        return closeOnBadEvent;
    }

    @Override
    public String toString() {
        return "ConnectionOptions[closeOnBadEvent=" + closeOnBadEvent + "]";
    }

    public static final class Builder {
        private boolean closeOnBadEvent;

        private Builder() {
        }

        /** TornadIO2's behaviour: close the client's connection after reporting a bad event. */
        public Builder closeOnBadEvent(boolean close) {
            this.closeOnBadEvent = close;
            return this;
        }

        public ConnectionOptions build() {
            return new ConnectionOptions(this);
        }
    }
}
