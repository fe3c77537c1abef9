package io.windsock.fuzz;

/** One client connection that sends mutated messages. */
interface FuzzSession {
    /** @return whether the session is still there to take more (the server may close it at any message) */
    boolean sendNext() throws Exception;

    /** Sends a message as it is; @return as {@link #sendNext} */
    boolean sendRaw(String message) throws Exception;

    /** Ends the session from the client's side, where it can (polling sessions expire instead). */
    default void close() {
    }
}
