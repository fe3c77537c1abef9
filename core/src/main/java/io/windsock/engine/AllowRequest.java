package io.windsock.engine;


/**
 * Decides whether a handshake or an upgrade request may proceed, e.g. an origin check. A refusal is
 * answered with 403 and {@code {"code":4,"message":"Forbidden"}}.
 *
 * <p>Threading: called on a network event loop thread; it must be quick and must not block. Checks
 * that need I/O belong in a namespace middleware, which runs off the event loop.
 */
@FunctionalInterface
public interface AllowRequest {
    AllowRequest ALL = request -> true;

    boolean allow(EngineRequest request);
}
