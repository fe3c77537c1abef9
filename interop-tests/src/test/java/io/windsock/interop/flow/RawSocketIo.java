package io.windsock.interop.flow;

import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Socket.IO client over a raw WebSocket on a plain socket, for tests about flow control: writes
 * block as soon as the server stops reading (no client-side queue, no send timeout), frames are
 * written back to back ({@link #sendAll}), and what the server sends is read frame by frame with
 * a timeout. Engine.IO v4 only; joins the main namespace.
 */
final class RawSocketIo implements AutoCloseable {
    /** A text frame from the server, or {@link #CLOSED} when the server closed the connection. */
    static final String CLOSED = "<closed>";

    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private String sid;

    private RawSocketIo(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Mailbox.DEFAULT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) Mailbox.DEFAULT_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Opens a WebSocket session and joins {@code /}; returns once the CONNECT reply arrived. */
    static RawSocketIo connect(int port) {
        try {
            RawSocketIo client = new RawSocketIo(port);
            client.handshake();
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handshake() throws IOException {
        StringBuilder request = new StringBuilder("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        for (String header : RawHttp.WEBSOCKET_UPGRADE) {
            request.append(header).append("\r\n");
        }
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new AssertionError("upgrade refused: " + head);
        }
        String open = next();
        if (!open.startsWith("0{")) {
            throw new AssertionError("expected the open packet, got " + open);
        }
        send("40");
        String reply = next();
        Matcher m = SID.matcher(reply);
        if (!reply.startsWith("40{") || !m.find()) {
            throw new AssertionError("expected a CONNECT reply, got " + reply);
        }
        sid = m.group(1);
    }

    /** @return the socket id the server gave in its CONNECT reply. */
    String sid() {
        return sid;
    }

    /** Sends one Engine.IO text packet (e.g. {@code 42["hi"]}) in one frame, flushed. Blocks while the server does not read. */
    void send(String packet) {
        try {
            writeFrame(packet);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends several packets, one frame each, in as few TCP writes as the buffer allows. */
    void sendAll(Iterable<String> packets) {
        try {
            for (String packet : packets) {
                writeFrame(packet);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends without flushing: for a flood, the buffer goes out whenever it is full. */
    void sendBuffered(String packet) throws IOException {
        writeFrame(packet);
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * @return the next text frame from the server, skipping pings (answered with pongs), or
     *         {@link #CLOSED} when the server closed; fails after the mailbox timeout
     */
    String next() {
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return CLOSED;
                }
                int opcode = b0 & 0x0f;
                long length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                if (opcode == 0x8) {
                    return CLOSED;
                }
                String text = new String(payload, StandardCharsets.UTF_8);
                if (opcode == 0x1 && "2".equals(text)) {
                    send("3");
                    continue;
                }
                if (opcode == 0x1) {
                    return text;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing from the server within " + Mailbox.DEFAULT_TIMEOUT.toMillis() + " ms");
        } catch (EOFException | SocketException e) {
            return CLOSED;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeFrame(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("payload too long for this test client");
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.write(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(masked);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream raw = in;
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = raw.read();
            if (c < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Closes the TCP connection without a close frame (the client vanishes: "transport close"). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
