package io.windsock.internal.sio1;

/** A protocol-1 packet or payload that does not parse. The message names the fault, never quotes the input. */
public final class Sio1DecodeException extends Exception {
    public Sio1DecodeException(String message) {
        super(message);
    }
}
