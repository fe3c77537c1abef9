package io.windsock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A free port of the loopback address kept for a test until {@link #close()}: a socket bound to it with
 * {@code SO_REUSEADDR} that does not listen. Meanwhile connections to the port are refused, as with
 * nothing there, and the system gives it to no other socket: neither to a bind to port 0 (a server's
 * own, a client's) nor as an outgoing connection's local port. So a port that clients dial is never up
 * for grabs between a probe and the server's bind, nor while the server is down.
 *
 * <p>On Linux a server that sets {@code SO_REUSEADDR} (java.net and java.nio server sockets by default,
 * Netty's, redis-server) binds and listens on the port while it is held, and falls back on the hold
 * when it stops. Where the system does not allow that, {@link #beforeBind()} lets the port go.
 *
 * <p>For tests only; not thread-safe.
 */
public final class HeldPort implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Whether a listener can bind beside a hold (Linux), asked of the system once. */
    private static final boolean SHARED = listenerBindsBesideAHold();

    private final Socket hold;

    private HeldPort(Socket hold) {
        this.hold = hold;
    }

    /**
     * @return a port of the loopback address, held
     * @throws UncheckedIOException when no port can be bound
     */
    public static HeldPort hold() {
        try {
            return new HeldPort(bound(0));
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    public int port() {
        return hold.getLocalPort();
    }

    /**
     * To call right before a server binds the port: a no-op where the server can bind beside the hold;
     * elsewhere the port is let go, and the server must bind it at once.
     */
    public void beforeBind() {
        if (!SHARED) {
            close();
        }
    }

    /** Lets the port go (a server bound to it keeps it). Idempotent. */
    @Override
    public void close() {
        try {
            hold.close();
        } catch (IOException e) {
            // nothing held any more
        }
    }

    private static Socket bound(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static boolean listenerBindsBesideAHold() {
        try (Socket probe = bound(0); ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(LOOPBACK, probe.getLocalPort()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
