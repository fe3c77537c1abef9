package io.windsock.internal.server;

/** A client's mistake (a bad packet, an unusable event), reported to the error hook without a stack trace. */
public final class ClientError extends RuntimeException {
    public ClientError(String message) {
        super(message, null, false, false);
    }
}
