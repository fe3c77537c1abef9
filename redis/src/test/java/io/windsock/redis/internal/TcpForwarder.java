package io.windsock.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards every connection on a local port to another address (Redis "coming back"), until closed.
 * {@link #cut()} makes an outage: the forwarded connections drop and new ones are refused; a new
 * forwarder on the same port ends it.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    public TcpForwarder(int port, String host, int targetPort) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true); // the port again after a cut: its closed connections may linger
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(host, targetPort);
                    open.add(in);
                    open.add(out);
                    if (server.isClosed()) { // cut while connecting
                        closeQuietly(in);
                        closeQuietly(out);
                        return;
                    }
                    pump(in, out);
                    pump(out, in);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "redis-forwarder");
        accept.setDaemon(true);
        accept.start();
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
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

    /** Drops every forwarded connection and refuses new ones: the clients see Redis go away. */
    public void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
