package io.windsock.server;

/**
 * A client's mistake rather than the application's: a malformed packet, a packet for a namespace it
 * did not join, a reserved event name, an event whose arguments do not fit its handler. The
 * {@link ErrorHandler} receives these without a stack trace; the default one logs them at WARN and
 * everything else at ERROR, so an application can tell the two apart the same way.
 */
public final class ClientError extends RuntimeException {
    public ClientError(String message) {
        super(message, null, false, false);
    }
}
