package io.windsock.engine;

import java.util.Objects;

/**
 * An Engine.IO request the server refused, as Node's {@code io.engine.on("connection_error", ...)}
 * reports it: what a server-side log needs to explain a client that cannot connect (a load balancer
 * without sticky sessions gives "Session ID unknown", a client of another generation "Unsupported
 * protocol version", a page of another origin "Forbidden"). See {@link ConnectionErrorListener}.
 *
 * <p>The codes and messages are engine.io's, as the client receives them in {@code {"code":n,"message":...}}:
 * <table>
 * <caption>Codes</caption>
 * <tr><th>code</th><th>message</th><th>when</th></tr>
 * <tr><td>0</td><td>Transport unknown</td><td>no {@code transport}, or one the server does not offer</td></tr>
 * <tr><td>1</td><td>Session ID unknown</td><td>a {@code sid} the server does not know (expired, closed, or opened
 *     on another server of a cluster)</td></tr>
 * <tr><td>2</td><td>Bad handshake method</td><td>a handshake (no {@code sid}) other than {@code GET}</td></tr>
 * <tr><td>3</td><td>Bad request</td><td>anything else malformed: a malformed escape in the query, a request of
 *     another revision than its session's, a transport that does not fit the request, JSONP when it is off</td></tr>
 * <tr><td>4</td><td>Forbidden</td><td>{@link AllowRequest} refused it, or a WebSocket from a page of a foreign
 *     origin; "Too many sessions" when {@code maxSessions} is reached</td></tr>
 * <tr><td>5</td><td>Unsupported protocol version</td><td>{@code EIO} neither 4 nor 3, or 3 with {@code allowEIO3} off</td></tr>
 * </table>
 *
 * @param code    engine.io's error code, as above
 * @param message engine.io's message for it, as the client receives it
 * @param detail  which check refused the request, in words, for a log (not part of the protocol)
 * @param request the refused request; its query is empty when the query itself was malformed
 */
public record ConnectionError(int code, String message, String detail, EngineRequest request) {
    public ConnectionError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(request, "request");
    }
}
