package io.windsock.internal.server;

import io.windsock.server.Socket;

/** What connection state recovery can do for a socket, as the connection classes need to know it. */
public final class SocketRecovery {
    private SocketRecovery() {
    }

    /**
     * @return whether the socket persists a session when it leaves for a recoverable reason: recovery
     *         is on for its namespace and its client's protocol can recover (Socket.IO v5; not
     *         socket.io-client 2.x over Engine.IO v3, nor protocol 1)
     */
    public static boolean canRecover(Socket socket) {
        return socket instanceof SocketImpl impl && impl.canRecover();
    }
}
