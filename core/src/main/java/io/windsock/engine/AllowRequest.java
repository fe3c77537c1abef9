package io.windsock.engine;


/**
 * Decides whether a handshake may proceed, e.g. an origin check: a request that opens a session (no
 * {@code sid}), by long-polling or by WebSocket. As in Node's engine.io, the requests of a session
 * already open (its polls, its upgrade to WebSocket) are not asked again. A refusal is answered with
 * 403 and {@code {"code":4,"message":"Forbidden"}} (a Socket.IO 0.9 handshake: 403 {@code Forbidden}).
 *
 * <p>Threading: called on a network event loop thread; it must be quick and must not block. Checks
 * that need I/O belong in a namespace middleware, which runs off the event loop.
 */
@FunctionalInterface
public interface AllowRequest {
    AllowRequest ALL = request -> true;

    boolean allow(EngineRequest request);
}
