package io.windsock.server;

/**
 * Answers an event the client sent with a callback. Thread-safe; only the first {@link #send}
 * goes out.
 */
public interface Ack {
    /** An ack for an event that asked for none: sending does nothing. */
    Ack NONE = new Ack() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void send(Object... args) {
        }
    };

    /** @return whether the client asked for an acknowledgement. */
    boolean requested();

    /** Sends the acknowledgement with these arguments (none is fine). Later calls do nothing. */
    void send(Object... args);
}
