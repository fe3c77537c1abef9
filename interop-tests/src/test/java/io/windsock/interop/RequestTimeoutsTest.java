package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.RawHttp.Response;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.harness.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris: request headers or bodies trickled a byte at a time are answered 408 and closed once
 * their timeout passes, idle keep-alive connections close, and neither a long-polling GET nor a
 * WebSocket is cut by these timeouts. Real server, two event loops, 127.0.0.1 only.
 */
class RequestTimeoutsTest {
    private static final Duration HEADERS_TIMEOUT = Duration.ofMillis(800);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1500);
    /** Well above the 300 ms between requests below, which a stalled test thread may stretch. */
    private static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofMillis(1500);
    /** A header line longer than anything the trickle sends within the timeouts (a byte per 50 ms). */
    private static final byte[] ENDLESS_HEADERS = ("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "X-Slow: " + "a".repeat(2000)).getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    final Interop interop = new Interop();

    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTrickling() {
        trickle.shutdownNow();
    }

    private Windsock server(Duration pingInterval) {
        Windsock server = interop.server(o -> o.ioThreads(2)
                .engine(EngineOptions.builder().pingInterval(pingInterval).pingTimeout(Duration.ofSeconds(5)).build())
                .headersTimeout(HEADERS_TIMEOUT).requestTimeout(REQUEST_TIMEOUT).keepAliveTimeout(KEEP_ALIVE_TIMEOUT));
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
        return server;
    }

    @Test
    void tricklingHeadersAreAnswered408AndClosed() {
        Windsock server = server(Duration.ofSeconds(25));
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawHttp raw = RawHttp.connect(server.port());
                slow.add(raw);
                trickle(raw, ENDLESS_HEADERS);
            }
            for (RawHttp raw : slow) {
                assertEquals(408, raw.read().status());
                assertTrue(raw.closedByServer(), "a timed-out connection stayed open");
            }
        } finally {
            slow.forEach(RawHttp::close);
        }
        assertServesAClient(server);
    }

    @Test
    void aTrickledBodyIsAnswered408AndClosed() {
        Windsock server = server(Duration.ofSeconds(25));
        String sid = handshake(server.port());
        try (RawHttp raw = RawHttp.connect(server.port())) {
            byte[] head = ("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(raw.write(head));
            trickle(raw, "4".repeat(1000).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(408, raw.read().status());
            assertTrue(raw.closedByServer(), "a timed-out connection stayed open");
        }
    }

    @Test
    void aConnectionThatSendsNothingIsAnswered408() {
        Windsock server = server(Duration.ofSeconds(25));
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(408, raw.read().status());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedWithoutAnAnswer() {
        Windsock server = server(Duration.ofSeconds(25));
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET", "/socket.io/?EIO=4&transport=polling", null, "Connection: keep-alive");
            Response open = raw.read();
            assertEquals(200, open.status());
            assertEquals("timeout=1", open.header("keep-alive"), "whole seconds, rounded down");
            // A second request on the same connection is served (keep-alive works) ...
            raw.send("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sidOf(open), "40", "Connection: keep-alive");
            assertEquals("ok", raw.read().body());
            // ... then the connection idles past keepAliveTimeout: closed, and nothing more is written.
            assertTrue(raw.closedByServer(), "an idle keep-alive connection stayed open");
        }
    }

    @Test
    void aKeepAliveConnectionInUseOutlivesEveryTimeout() throws InterruptedException {
        Windsock server = server(Duration.ofSeconds(25));
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET", "/socket.io/?EIO=4&transport=polling", null, "Connection: keep-alive");
            String sid = sidOf(raw.read());
            raw.send("POST", polling(sid), "40", "Connection: keep-alive");
            assertEquals("ok", raw.read().body());
            // Requests 300 ms apart for 2.4 s, longer than each of the keep-alive, headers and request
            // timeouts: each request's deadlines replace the previous ones, none of which may close it.
            long end = System.nanoTime() + Duration.ofMillis(2400).toNanos();
            int served = 0;
            while (System.nanoTime() - end < 0) {
                Thread.sleep(300); // pacing: the time between requests is what is tested
                raw.send("POST", polling(sid), "42[\"echo\",\"" + served + "\"]", "Connection: keep-alive");
                Response ok = raw.read();
                assertEquals(200, ok.status());
                assertEquals("ok", ok.body());
                served++;
            }
            assertTrue(served >= 6, "served " + served);
            // Once idle, it still closes.
            assertTrue(raw.closedByServer(), "an idle keep-alive connection stayed open");
        }
    }

    @Test
    void aLongPollLongerThanEveryTimeoutIsNotCut() {
        Windsock server = server(Duration.ofMillis(3000));  // the poll waits for the ping, 3 s
        String sid = handshake(server.port());
        assertEquals("ok", RawHttp.request(server.port(), "POST", polling(sid), "40").body());
        assertTrue(RawHttp.request(server.port(), "GET", polling(sid), null).body().startsWith("40{"));
        Response ping = RawHttp.request(server.port(), "GET", polling(sid), null);
        assertEquals(200, ping.status());
        assertEquals("2", ping.body());
    }

    @Test
    void anIdleWebSocketIsNotCut() {
        Windsock server = server(Duration.ofMillis(3000));
        try (WsClient ws = WsClient.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
            assertTrue(ws.texts().take().startsWith("0{"));
            ws.sendText("40");
            assertTrue(ws.texts().take().startsWith("40{"));
            // Quiet for the ping interval, longer than every HTTP timeout: the first ping still comes.
            assertEquals("2", ws.texts().take());
            ws.sendText("3");
            ws.sendText("421[\"echo\",\"still here\"]");
            assertEquals("431[\"still here\"]", ws.texts().take());
        }
    }

    /** Writes one byte every 50 ms until the bytes run out or the connection fails. */
    private void trickle(RawHttp raw, byte[] bytes) {
        int[] next = {0};
        trickle.scheduleAtFixedRate(() -> {
            if (next[0] < bytes.length && raw.write(new byte[] {bytes[next[0]]})) {
                next[0]++;
            } else {
                throw new IllegalStateException("done"); // ends this schedule
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    private void assertServesAClient(Windsock server) {
        var socket = interop.client().connect(interop.url(server, "/"), Transport.POLLING.clientOptions());
        socket.expectConnect();
        assertEquals("[\"hi\"]", socket.emitWithAck("echo", "hi").args().toString());
    }

    private static String handshake(int port) {
        return sidOf(RawHttp.request(port, "GET", "/socket.io/?EIO=4&transport=polling", null));
    }

    private static String sidOf(Response open) {
        assertEquals(200, open.status());
        return open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private static String polling(String sid) {
        return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
    }
}
