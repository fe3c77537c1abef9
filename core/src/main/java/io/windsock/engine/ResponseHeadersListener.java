package io.windsock.engine;

/**
 * Adds or changes headers of the HTTP responses that carry Engine.IO: Node's engine.io
 * {@code "initial_headers"} and {@code "headers"} events ({@code io.engine.on("initial_headers",
 * (headers, req) => ...)}), set with {@link EngineOptions.Builder#initialHeaders} and
 * {@link EngineOptions.Builder#headers}.
 *
 * <p>As in engine.io 6, the responses are the long-polling transport's (each poll's, the handshake's
 * included, and each POST's {@code ok}, JSONP too) and the WebSocket's {@code 101}; never an error
 * response (400, 403...) nor a 0.9 client's. The initial listener sees only the response to the
 * request that opens a session (no {@code sid}); the other sees every one, after it.
 *
 * <p>Threading: called on the network event loop thread writing the response, so it must be quick
 * and must not block. What it throws is logged and the response goes out with the headers it had set.
 */
@FunctionalInterface
public interface ResponseHeadersListener {
    /**
     * @param headers the response's headers, to change during this call only
     * @param request the request being answered: the handshake's for the initial headers, the poll's
     *                or the upgrade's otherwise
     */
    void onHeaders(ResponseHeaders headers, EngineRequest request);
}
