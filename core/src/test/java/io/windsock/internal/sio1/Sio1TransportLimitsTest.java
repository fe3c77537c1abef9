package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.SessionLimit;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Protocol1Options;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol 1 on a real server, driven raw: the cap on sessions, the {@code websocket_check} probe, and an
 * htmlfile stream whose reader stops reading and resumes.
 */
class Sio1TransportLimitsTest {
    private static final Pattern SID = Pattern.compile("^([0-9a-f]{32}):.*$");
    /** The bound on what a session holds for its client, in UTF-16 units. */
    private static final long BOUND = 4L << 20;

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private HttpServer server;
    private Sio1Server sessions;
    private String base;

    private void start(Protocol1Options options, int maxSessions) throws Exception {
        sessions = new Sio1Server(new Sio1Settings(options, BOUND, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                    closes.add(reason);
                }
            });
            session.send("1::");
            verdict.complete(null);
        }, new SessionLimit(maxSessions));
        Sio1Http route = new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, 100_000);
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, true, HttpFallback.NONE, null, HttpServerSettings.DEFAULTS, route);
        server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        base = "http://127.0.0.1:" + server.start("127.0.0.1", 0, 2).getPort() + "/socket.io/";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void handshakesPastMaxSessionsGet503UntilOneExpires() throws Exception {
        // Long enough that the first two are still there at the third handshake on a busy machine.
        start(Protocol1Options.builder().sessionExpiry(Duration.ofSeconds(3)).build(), 2);
        handshake();
        handshake();
        HttpResponse<String> refused = get("1/");
        assertEquals(503, refused.statusCode(), "the 0.9 client retries on anything but 403");
        assertEquals("Too many sessions", refused.body());
        assertEquals(2, sessions.sessionCount());
        // No transport ever came: both expire, and their places are free again.
        assertEquals("expired", closes.poll(20, TimeUnit.SECONDS));
        assertEquals("expired", closes.poll(20, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> again;
        while ((again = get("1/")).statusCode() == 503) { // the table frees the place just after the close
            assertTrue(System.nanoTime() < deadline, "the expired sessions kept their places");
            Thread.sleep(20); // nothing to listen to: retry until the deadline
        }
        assertEquals(200, again.statusCode());
    }

    @Test
    void websocketCheckAcceptsAWebSocketThatAnswersTheHeartbeat() throws Exception {
        start(Protocol1Options.builder().websocketCheck(true).clientTimeout(Duration.ofSeconds(5)).build(), 10);
        String sid = handshake();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = webSocket(sid, frames, new CompletableFuture<>());
        assertEquals("2::", frames.poll(5, TimeUnit.SECONDS), "the probe comes first");
        assertNull(frames.poll(200, TimeUnit.MILLISECONDS), "nothing of the session before the answer");
        assertTrue(!sessions.session(sid).hasTransport());
        ws.sendText("2::", true).get(5, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(5, TimeUnit.SECONDS), "the session's packets once the probe is answered");
        assertTrue(sessions.session(sid).hasTransport());
        assertEquals("websocket", sessions.session(sid).transportName());
        ws.abort();
    }

    @Test
    void websocketCheckClosesASilentWebSocketAndTheSessionWaitsForAnotherTransport() throws Exception {
        start(Protocol1Options.builder().websocketCheck(true).clientTimeout(Duration.ofMillis(300)).build(), 10);
        String sid = handshake();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = webSocket(sid, frames, closed);
        assertEquals("2::", frames.poll(5, TimeUnit.SECONDS));
        assertEquals(1000, closed.get(10, TimeUnit.SECONDS), "closed after clientTimeout without an answer");
        ws.abort();
        assertEquals("1::", get("1/xhr-polling/" + sid).body(), "the client's next transport gets what waited");
        assertTrue(closes.isEmpty(), "the session lives on");
    }

    /**
     * A reader that stops reading an htmlfile stream: the server stops writing once the connection is
     * not writable, holds the rest in the session (counted, under the bound), and resumes when the
     * reader does; every packet arrives, in order.
     */
    @Test
    void htmlfileStopsWritingForAReaderThatStopsAndResumesWhenItReads() throws Exception {
        start(Protocol1Options.builder().transports(Set.of("htmlfile")).build(), 10);
        String sid = handshake();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // before connect, so the window stays small
            socket.connect(new InetSocketAddress("127.0.0.1", URI.create(base).getPort()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /socket.io/1/htmlfile/" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            readUntil(in, "<script>_(\"1::\");</script>");
            Sio1Session session = sessions.session(sid);
            String pad = "x".repeat(1000);
            int count = 2000; // 2 MB: far more than the socket buffers and Netty's high-water mark
            for (int i = 0; i < count; i++) {
                assertTrue(session.send("3:::" + i + ":" + pad), "queued under the bound");
            }
            // The reader reads nothing: the session holds what the connection cannot take.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (session.queuedPackets() == 0 || session.pendingChars() < 1_000_000) {
                assertTrue(System.nanoTime() < deadline, "the session never held packets back");
                Thread.sleep(10); // polling a counter until the deadline
            }
            assertTrue(session.pendingChars() <= BOUND);
            assertTrue(session.queuedPackets() > count / 2, "most packets wait in the session: " + session.queuedPackets());
            // The reader resumes: every packet, in order; nothing is left held.
            StringBuilder text = new StringBuilder();
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8); // chunk heads are ASCII: no harm
            char[] buffer = new char[8192];
            int next = 0;
            while (next < count) {
                int n = reader.read(buffer);
                assertTrue(n > 0, "stream ended at packet " + next);
                text.append(buffer, 0, n);
                int end;
                while ((end = text.indexOf("\");</script>")) >= 0) {
                    String script = text.substring(text.indexOf("<script>_(\"") + 11, end); // after chunk heads
                    text.delete(0, end + "\");</script>".length());
                    for (String packet : script.split("\ufffd")) {
                        if (packet.startsWith("3:::")) {
                            assertEquals(next + ":" + pad, packet.substring(4), "packet " + next);
                            next++;
                        }
                    }
                }
            }
            assertEquals(count, next);
            assertEquals(0, session.queuedPackets());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (session.pendingChars() != 0) { // the last write's completion gives back its count
                assertTrue(System.nanoTime() < deadline, "still counted: " + session.pendingChars());
                Thread.sleep(10);
            }
            assertTrue(closes.isEmpty(), "the session was not dropped: " + closes);
        }
    }

    private WebSocket webSocket(String sid, BlockingQueue<String> frames, CompletableFuture<Integer> closed)
            throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "1/websocket/" + sid),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    private String handshake() throws Exception {
        HttpResponse<String> response = get("1/?t=" + System.nanoTime());
        Matcher m = SID.matcher(response.body());
        assertTrue(m.matches(), response.statusCode() + " " + response.body());
        return m.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
