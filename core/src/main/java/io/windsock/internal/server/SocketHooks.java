package io.windsock.internal.server;

import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.util.function.Consumer;

/** Moments of a socket's life that the connection classes need to hear of and the public {@link Socket} does not tell. */
public final class SocketHooks {
    private SocketHooks() {
    }

    /**
     * Adds a listener for the socket leaving without ever having connected: its client dropped or the
     * connect timeout fired while its middlewares ran, or a middleware refused it. Its disconnect
     * listeners do not run then (as in Node, which knows a socket only once connected); this one
     * runs once, on the socket's executor, after what was queued there before the leave, with the
     * reason ({@code SERVER_NAMESPACE_DISCONNECT} for a refusal). Socket executor, while connecting.
     *
     * @return false for a socket of another implementation: nothing is registered
     */
    public static boolean onAbandoned(Socket socket, Consumer<DisconnectReason> listener) {
        if (socket instanceof SocketImpl impl) {
            impl.listeners().onAbandoned(listener);
            return true;
        }
        return false;
    }
}
