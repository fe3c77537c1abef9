package io.windsock.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay between test clients and a server, on a free port of 127.0.0.1, that can drop every
 * connection at once (a network failure, as both ends see it), refuse new ones for a while, and relay
 * the next ones to another server (a client that lands on another node of a cluster).
 * One thread per direction per connection; for tests only.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private volatile int targetPort;
    private final List<Socket> open = new ArrayList<>();
    private boolean refusing;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Relays the connections accepted from now on to this port; those open stay where they are. */
    public void retarget(int port) {
        targetPort = port;
    }

    /**
     * Drops every relayed connection with a reset (no goodbye on either side) and refuses new ones
     * (accepted, then reset at once) until {@link #resume()}.
     */
    public synchronized void cut() {
        refusing = true;
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /** Relays new connections again. */
    public synchronized void resume() {
        refusing = false;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            synchronized (this) {
                if (refusing) {
                    reset(client);
                    continue;
                }
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                synchronized (this) {
                    open.add(client);
                    open.add(server);
                }
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                // A clean end of one direction is passed on as such; both ended: close.
                to.shutdownOutput();
                if (from.isOutputShutdown()) {
                    from.close();
                    to.close();
                }
            } catch (IOException e) {
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
