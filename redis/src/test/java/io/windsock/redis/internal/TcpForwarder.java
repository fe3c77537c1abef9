package io.windsock.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Forwards every connection on a local port to another address (Redis "coming back"), until closed.
 * {@link #cut()} makes an outage: the forwarded connections drop, and new ones are closed at once until
 * {@link #restore()} (the port stays taken: once let go, an outgoing connection may be given it). {@link #holdFrom} holds what clients send from a given command on
 * (a subscription on its way to Redis), until {@link #release()}.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    /** What a client sends from the first read holding this text on waits for {@link #hold}; null: no hold. */
    private volatile byte[] holdMarker;
    private volatile CountDownLatch hold = new CountDownLatch(0);

    public TcpForwarder(int port, String host, int targetPort) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    if (cut) {
                        in.close();
                        continue;
                    }
                    Socket out = new Socket(host, targetPort);
                    open.add(in);
                    open.add(out);
                    if (cut) { // cut while connecting: cut() may not have seen these
                        closeQuietly(in);
                        closeQuietly(out);
                        continue;
                    }
                    pump(in, out, true);
                    pump(out, in, false);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "redis-forwarder");
        accept.setDaemon(true);
        accept.start();
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                CountDownLatch held = null;
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    byte[] marker = holdMarker;
                    if (fromClient && held == null && marker != null && contains(buffer, n, marker)) {
                        held = hold;
                    }
                    if (held != null) {
                        held.await();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /**
     * Holds what a client sends, from a read that holds {@code marker} (a command's name, as Redis's
     * protocol sends it in one piece) on, until {@link #release()}.
     */
    public void holdFrom(String marker) {
        hold = new CountDownLatch(1);
        holdMarker = marker.getBytes(StandardCharsets.US_ASCII);
    }

    /** Lets through what was held, and what comes next. */
    public void release() {
        holdMarker = null;
        hold.countDown();
    }

    private static boolean contains(byte[] buffer, int length, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buffer[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Drops every forwarded connection, and new ones until {@link #restore()}: the clients see Redis go away. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    /** Forwards new connections again: Redis is back. */
    public void restore() {
        cut = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
