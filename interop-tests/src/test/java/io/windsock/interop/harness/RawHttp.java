package io.windsock.interop.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: any bytes out, the response
 * parsed as it comes, and whether the server then closed the connection. Every read is bounded by
 * {@link Mailbox#DEFAULT_TIMEOUT}.
 */
public final class RawHttp implements AutoCloseable {
    /** A response: status, headers (names in lower case) and body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Bounds every wait. */
    public static final java.time.Duration TIMEOUT = Mailbox.DEFAULT_TIMEOUT;
    /**
     * Reads the answers of {@link #requestAsync}, a thread each: such a read waits for as long as the
     * server holds the request (a long poll). On the common pool, which has a single thread on a
     * two-core machine, it would hold up whatever else runs there: the JDK's HttpClient opens
     * WebSockets through it on Java 25.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-http-reader");
        t.setDaemon(true);
        return t;
    });

    /** The header lines of a WebSocket upgrade request (RFC 6455's sample key). */
    public static final String[] WEBSOCKET_UPGRADE = {
            "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Mailbox.DEFAULT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) Mailbox.DEFAULT_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        try {
            return new RawHttp(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One request on a new connection ({@code Connection: close}); returns the response.
     *
     * @param headers extra header lines, e.g. {@code "Origin: x"}
     */
    public static Response request(int port, String method, String target, String body, String... headers) {
        try (RawHttp http = connect(port)) {
            http.send(method, target, body, headers);
            return http.read();
        }
    }

    /** Starts a request whose answer comes later (a long-polling GET), on its own connection. */
    public static CompletableFuture<Response> requestAsync(int port, String method, String target, String body,
                                                           String... headers) {
        RawHttp http = connect(port);
        http.send(method, target, body, headers);
        return CompletableFuture.supplyAsync(() -> {
            try (http) {
                return http.read();
            }
        }, READERS);
    }

    /** Writes a request with {@code Host}, {@code Connection: close} unless given, and {@code Content-Length} for a body. */
    public void send(String method, String target, String body, String... headers) {
        StringBuilder request = new StringBuilder().append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        request.append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        boolean connection = false;
        for (String header : headers) {
            request.append(header).append("\r\n");
            connection |= header.toLowerCase(Locale.ROOT).startsWith("connection:");
        }
        if (!connection) {
            request.append("Connection: close\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + content.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(content, 0, all, head.length, content.length);
        write(all);
    }

    /** Writes raw bytes. A server that already closed the connection may make this fail; that is returned as false. */
    public boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads one response (Content-Length, chunked, or up to the end of the connection). */
    public Response read() {
        try {
            String statusLine = readLine();
            if (statusLine == null) {
                throw new AssertionError("the connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            byte[] body;
            if (status == 101) {
                body = new byte[0];  // the connection now speaks WebSocket: nothing more belongs to HTTP
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                int size;
                while ((size = Integer.parseInt(readLine().trim().split(";")[0], 16)) > 0) {
                    chunks.write(in.readNBytes(size));
                    readLine();
                }
                readLine();
                body = chunks.toByteArray();
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no response within " + Mailbox.DEFAULT_TIMEOUT.toMillis() + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a WebSocket upgrade for {@code target} with extra header lines and reads the answer's head. */
    public Response upgrade(String target, String... extraHeaders) {
        String[] headers = java.util.Arrays.copyOf(WEBSOCKET_UPGRADE, WEBSOCKET_UPGRADE.length + extraHeaders.length);
        System.arraycopy(extraHeaders, 0, headers, WEBSOCKET_UPGRADE.length, extraHeaders.length);
        send("GET", target, null, headers);
        return read();
    }

    /** A client-to-server WebSocket text frame (masked, as RFC 6455 requires), for payloads under 126 bytes. */
    public static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("payload too long for a one-byte length");
        }
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** One server-to-client WebSocket frame: its opcode (1 text, 2 binary, 8 close, ...) and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Reads one (unmasked, unfragmented) WebSocket frame from the server, waiting up to the timeout. */
    public Frame readFrame() {
        try {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                throw new AssertionError("the connection closed before a frame");
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
            } else if (length == 127) {
                length = java.nio.ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new AssertionError("the connection closed inside a frame");
            }
            return new Frame(first & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + Mailbox.DEFAULT_TIMEOUT.toMillis() + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the server closes the connection (end of stream or reset) within the timeout. */
    public boolean closedByServer() {
        try {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) != -1) {
                // Drain whatever else comes until the end of the stream.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits for a response that was started with {@link #requestAsync}. */
    public static Response await(CompletableFuture<Response> response) {
        try {
            return response.get(Mailbox.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no response within " + Mailbox.DEFAULT_TIMEOUT.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the request failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
