package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Long-polling requests pipelined on one keep-alive connection are answered in the order sent, as
 * Node's HTTP server answers them; a request behind a poll the session holds ends that poll with a
 * NOOP instead of waiting for its next packet; and a connection that drops fails the poll it holds.
 * Real server, raw sockets.
 */
class PipelinedPollsTest {
    private static final String POLLING = "/engine.io/?EIO=4&transport=polling";
    /** Short, so that a connection the timers would take for idle is closed within the test. */
    private static final Duration KEEP_ALIVE = Duration.ofMillis(100);

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private EngineServer engine;
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        start(HttpServerSettings.DEFAULTS.requestTimeout());
    }

    private void start(Duration requestTimeout) throws Exception {
        // Pings far apart: a poll ends only when the test sends a packet or the connection drops.
        EngineOptions options = EngineOptions.DEFAULT.toBuilder().pingInterval(Duration.ofSeconds(60)).build();
        HttpServerSettings d = HttpServerSettings.DEFAULTS;
        TransportConfig config = new TransportConfig("/engine.io/", options, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null, new HttpServerSettings(d.headersTimeout(), requestTimeout,
                        KEEP_ALIVE, d.maxConnections(), null, true, d.transports()));
        engine = new EngineServer(options, session -> session.setHandler(new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
                    events.add(s.id() + " read " + text);
                }

                @Override
                public void onBinary(EngineSession s, byte[] data) {
                }

                @Override
                public void onClose(EngineSession s, String reason) {
                    events.add(s.id() + " closed: " + reason);
                }
            }));
        server = new HttpServer(config, engine);
        // One event loop: the sessions live on the connections' loop, so a request is handled in the read
        // that brings it (no hop to another loop), and the test's send is handled after that read.
        port = server.start("127.0.0.1", 0, 1).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aPostPipelinedBehindAHeldPollEndsThatPollAndIsReadAtOnce() throws Exception {
        String sid = handshake();
        try (Socket socket = connect()) {
            write(socket, get(sid) + post(sid, "4hello"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            // Not held until a packet or the ping a minute away: answered in the order sent, the poll first.
            assertEquals("6", readResponse(in), "the poll ends with a NOOP");
            assertEquals("ok", readResponse(in));
            assertEquals(sid + " read hello", events.poll(10, TimeUnit.SECONDS));
        }
    }

    /**
     * A's poll ends for B's; B's then waits in its session, and B's POST behind it (whose packets would
     * answer it) ends it too: told again when it comes to wait behind B's poll, not only when the first
     * request of the read came to wait.
     */
    @Test
    void eachPollWithARequestBehindItEndsNotOnlyTheFirst() throws Exception {
        String a = handshake();
        String b = handshake();
        try (Socket socket = connect()) {
            write(socket, get(a) + get(b) + post(b, "4hello"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(b + " read hello", events.poll(10, TimeUnit.SECONDS), "B's POST waited behind B's poll");
            assertEquals("6", readResponse(in), "A's poll");
            assertEquals("6", readResponse(in), "B's poll");
            assertEquals("ok", readResponse(in));
        }
    }

    /**
     * A poll that reaches its session after the request behind it came to wait (here: held while a
     * WebSocket for the session is on its way) ends at once: the event found no poll to end.
     */
    @Test
    void aPollDeferredPastTheEventEndsWhenItArrives() throws Exception {
        String sid = handshake();
        EngineSession session = engine.session(sid);
        PollingTransport polling = (PollingTransport) session.transport();
        onSessionThread(session, polling::upgradeArriving);
        try (Socket socket = connect()) {
            write(socket, get(sid) + post(sid, "4hello"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            awaitHeldRequests(session, polling, 1);
            onSessionThread(session, () -> polling.upgradeSettled((NettyScheduler) session.scheduler()));
            assertEquals(sid + " read hello", events.poll(10, TimeUnit.SECONDS), "the POST waited behind the poll");
            assertEquals("6", readResponse(in));
            assertEquals("ok", readResponse(in));
        }
    }

    @Test
    void aConnectionThatDropsFailsThePollItHolds() throws Exception {
        String a = handshake();
        String b = handshake();
        try (Socket socket = connect()) {
            write(socket, get(a) + get(b));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals("6", readResponse(in), "A's poll ends, B's comes behind it");
            awaitPollHeld(b);
        }
        // Not at B's ping timeout, a minute and more away (its next packets meanwhile lost in a dead connection).
        assertEquals(b + " closed: transport error", events.poll(10, TimeUnit.SECONDS),
                "the held poll's session learns of the drop at once");
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "A's session, whose poll was answered, lives on");
    }

    @Test
    void aPollPipelinedBehindAnotherIsHeldForAsLongAsItsSessionHoldsIt() throws Exception {
        String a = handshake();
        String b = handshake();
        try (Socket socket = connect()) {
            write(socket, get(a) + get(b));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals("6", readResponse(in));
            awaitPollHeld(b);
            // Past the keep-alive timeout: B's poll is owed its answer, so the connection is not idle.
            LockSupport.parkNanos(KEEP_ALIVE.multipliedBy(5).toNanos());
            assertNull(events.peek(), "closed as idle");
            engine.session(b).send(EnginePacket.message("for b"));
            assertEquals("4for b", readResponse(in));
        }
    }

    @Test
    void aPostWhoseConnectionClosesBeforeItsBodyEndsFailsItsSession() throws Exception {
        String cut = handshake();
        String whole = handshake();
        try (Socket socket = connect()) {
            String request = post(cut, "4hello");
            write(socket, request.substring(0, request.length() - 3)); // its body cut short
        }
        // As the reference: "data request connection closed prematurely", not a ping timeout later with
        // a client that has given up on its failed POST long before.
        assertEquals(cut + " closed: transport error", events.poll(10, TimeUnit.SECONDS));

        try (Socket socket = connect()) {
            write(socket, post(whole, "4hello"));
            assertEquals("ok", readResponse(new DataInputStream(socket.getInputStream())));
        }
        assertEquals(whole + " read hello", events.poll(10, TimeUnit.SECONDS));
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "a POST read in full leaves its session alone");
    }

    @Test
    void aPostWhoseBodyDoesNotArriveInTimeFailsItsSession() throws Exception {
        server.stop();
        start(Duration.ofMillis(300));
        String slow = handshake();
        try (Socket socket = connect()) {
            String request = post(slow, "4hello");
            write(socket, request.substring(0, request.length() - 3)); // the rest of its body never comes
            // As the reference, whose server ends such a request: its session fails with it.
            assertEquals(slow + " closed: transport error", events.poll(10, TimeUnit.SECONDS));
        }
    }

    /** Runs a task on the session's thread and waits for it. */
    private static void onSessionThread(EngineSession session, Runnable task) throws Exception {
        onSessionThread(session, () -> {
            task.run();
            return null;
        });
    }

    private static <T> T onSessionThread(EngineSession session, Supplier<T> task) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        session.scheduler().execute(() -> done.complete(task.get()));
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Waits until the transport holds {@code count} requests for the arriving WebSocket. */
    private static void awaitHeldRequests(EngineSession session, PollingTransport polling, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (onSessionThread(session, polling::heldRequestCount) < count) {
            assertTrue(System.nanoTime() < deadline, "the poll never reached its session");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until the session holds a poll (its transport is writable). */
    private void awaitPollHeld(String sid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!engine.session(sid).isWritableNow()) {
            assertTrue(System.nanoTime() < deadline, "the poll never reached its session");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private String handshake() throws IOException {
        try (Socket socket = connect()) {
            write(socket, "GET " + POLLING + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String open = readResponse(new DataInputStream(socket.getInputStream()));
            assertTrue(open.startsWith("0{\"sid\":\""), open);
            String sid = open.substring(9, open.indexOf('"', 9));
            assertNotNull(engine.session(sid));
            return sid;
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String get(String sid) {
        return "GET " + POLLING + "&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static String post(String sid, String body) {
        return "POST " + POLLING + "&sid=" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void write(Socket socket, String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(StandardCharsets.US_ASCII)); // one write: the server reads them together
        out.flush();
    }

    /** Reads one response with a Content-Length and returns its body. */
    private static String readResponse(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        assertTrue(headers.startsWith("HTTP/1.1 200 "), headers);
        int at = headers.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ") + 16;
        int length = Integer.parseInt(headers.substring(at, headers.indexOf('\r', at)).trim());
        byte[] body = new byte[length];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }
}
