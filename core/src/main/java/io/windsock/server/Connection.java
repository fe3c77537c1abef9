package io.windsock.server;

import java.net.InetSocketAddress;

/**
 * The client's underlying connection (an Engine.IO session), shared by its sockets in every
 * namespace it joined: Node's {@code socket.conn}. Reach it with {@link Socket#conn()}.
 *
 * <p>Thread-safe: every method may be called from any thread. The connection stays the same object
 * for its whole life, across an upgrade from long-polling to WebSocket; a client that reconnects
 * gets a new one.
 */
public interface Connection {
    /** @return the Engine.IO session id ({@code sid} of the handshake); not a socket id */
    String id();

    /**
     * @return the current transport, {@code "polling"} or {@code "websocket"}; it changes once on an
     *         upgrade. For a Socket.IO 0.9 client, the name of the transport it uses, or last used
     *         ({@code "websocket"}, {@code "flashsocket"}, {@code "htmlfile"}, {@code "xhr-polling"},
     *         {@code "jsonp-polling"}), {@code "none"} before its first request after the handshake
     */
    String transport();

    /** @return whether the connection has moved to WebSocket after starting on long-polling */
    boolean isUpgraded();

    /** @return the client's address as the server sees it (the TCP peer: proxies are not trusted) */
    InetSocketAddress remoteAddress();

    /** @return whether the connection is closed or closing */
    boolean isClosed();

    /**
     * Closes the connection as a transport failure, like Node's {@code socket.conn.close()}: what is
     * queued is sent first (a CONNECT reply waiting for its connection listeners included), then the
     * transport closes without a Socket.IO DISCONNECT. Every socket
     * of the connection leaves with {@link DisconnectReason#FORCED_CLOSE} (recoverable), the client
     * sees {@code transport close} and reconnects by itself, and with connection state recovery on
     * it is recovered (same id, rooms, data, missed events replayed). Compare
     * {@link Socket#disconnect(boolean) disconnect(true)}, which the client takes as final.
     * Idempotent.
     */
    void close();
}
