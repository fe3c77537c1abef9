package io.windsock.engine;

import java.util.List;

/**
 * The headers of an HTTP response that carries Engine.IO, as a {@link ResponseHeadersListener} sees
 * them: the server's own already set (Content-Type, Cache-Control, the CORS headers, the session
 * cookie on a handshake). Names are case-insensitive.
 *
 * <p>Refused with {@link IllegalArgumentException}: a name that is not an HTTP token, a value with a
 * control character or a character above U+00FF (it could split the response), and the headers that
 * frame the response or the WebSocket, which stay the server's (Content-Length, Transfer-Encoding,
 * Connection, Upgrade, {@code Sec-WebSocket-*}). Valid only during the listener's call.
 */
public interface ResponseHeaders {
    /** @return the header's first value, or null when it has none */
    String get(String name);

    /** @return the header's values in order, empty when it has none */
    List<String> getAll(String name);

    /** Replaces every value of the header with this one. */
    ResponseHeaders set(String name, String value);

    /** Adds a value after those the header has (a second {@code Set-Cookie}, say). */
    ResponseHeaders add(String name, String value);

    /** Removes every value of the header. */
    ResponseHeaders remove(String name);
}
