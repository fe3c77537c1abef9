package io.windsock.engine;

/**
 * Told of every Engine.IO request the server refuses (Node's {@code io.engine} event
 * {@code "connection_error"}), typically to log or count them; none by default. Requests of Socket.IO
 * 0.9 clients are not reported (the 0.9 server had no such event).
 *
 * <p>Threading: called on the network event loop thread that read the request, before the refusal is
 * written, as {@link AllowRequest} is: it must be quick and must not block. A hostile client can make
 * one call per request it sends. An exception it throws is logged and the request refused as before.
 */
@FunctionalInterface
public interface ConnectionErrorListener {
    /** Reports nothing: the default. */
    ConnectionErrorListener NONE = error -> { };

    void onConnectionError(ConnectionError error);
}
