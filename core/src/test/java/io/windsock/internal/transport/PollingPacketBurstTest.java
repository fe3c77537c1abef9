package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.server.ServerStats;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One long-polling POST carrying many more small packets than {@code maxPacketsPerPayload} (10,000),
 * as engine.io-client sends after a loop of emits (it splits its POSTs by bytes only): every packet
 * is delivered, in order, a slice at a time, and the session stays open.
 */
class PollingPacketBurstTest {
    private static final int PACKETS = 25_001;
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";
    private static final String POLLING_V3 = "/socket.io/?EIO=3&transport=polling";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aPostOfMorePacketsThanTheCapIsDeliveredWholeAndInOrder() throws Exception {
        start(Runnable::run, null);
        String session = join();
        CompletableFuture<HttpResponse<String>> poll = getAsync(session);

        HttpResponse<String> posted = post(session, burst()).get(30, TimeUnit.SECONDS);
        assertEquals(200, posted.statusCode());
        assertEquals("ok", posted.body());
        assertEquals("42[\"done\"]", poll.get(30, TimeUnit.SECONDS).body(),
                "the waiting poll gets what the last handler sent, not CLOSE");
        assertEquals(expected(), received);
        assertEquals(1, server.stats().engineSessions());
    }

    @Test
    void aV3PostOfMorePacketsThanTheCapIsDeliveredWholeAndInOrder() throws Exception {
        start(Runnable::run, null);
        String open = getAsync(POLLING_V3).get(10, TimeUnit.SECONDS).body();
        int sid = open.indexOf("\"sid\":\"") + 7;
        assertTrue(sid > 6, open);
        String session = POLLING_V3 + "&sid=" + open.substring(sid, open.indexOf('"', sid));
        if (!open.endsWith("2:40")) { // the server joins the client to "/" at once: with the OPEN or just after
            assertEquals("2:40", getAsync(session).get(10, TimeUnit.SECONDS).body());
        }
        CompletableFuture<HttpResponse<String>> poll = getAsync(session);

        String body = IntStream.range(0, PACKETS).mapToObj(i -> "42[\"e\"," + i + "]")
                .map(packet -> packet.length() + ":" + packet).collect(Collectors.joining());
        HttpResponse<String> posted = post(session, body).get(30, TimeUnit.SECONDS);
        assertEquals(200, posted.statusCode());
        assertEquals("ok", posted.body());
        assertEquals("10:42[\"done\"]", poll.get(30, TimeUnit.SECONDS).body(),
                "the waiting poll gets what the last handler sent, not CLOSE");
        assertEquals(expected(), received);
        assertEquals(1, server.stats().engineSessions());
    }

    @Test
    void readingPausedMidBodyHoldsTheRestAndTheOkUntilItResumes() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        start(null, gate); // the default handler pool
        String session = join();
        CompletableFuture<HttpResponse<String>> poll = getAsync(session);

        CompletableFuture<HttpResponse<String>> posted = post(session, burst());
        // The first handler waits: reading pauses above 5,000 queued, the first slice goes in whole and
        // the rest of the body waits, with the POST's answer.
        ServerStats paused = awaitStats(s -> s.pausedConnections() == 1 && s.queuedEvents() == 10_000);
        assertEquals(10_000, paused.peakConnectionQueuedEvents(), "one slice, no more, while reading is paused");
        assertFalse(posted.isDone(), "the POST is answered only once its whole body is delivered");
        assertTrue(received.isEmpty());

        gate.countDown();
        HttpResponse<String> answer = posted.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertEquals("ok", answer.body());
        assertEquals("42[\"done\"]", poll.get(30, TimeUnit.SECONDS).body());
        assertEquals(expected(), received);
        ServerStats after = server.stats();
        assertTrue(after.pauses() >= 1, after::toString);
        assertTrue(after.peakConnectionQueuedEvents() <= 15_000, "the high-water mark plus one slice at most: " + after);
        assertEquals(0, after.queueLimitDisconnects());
        assertEquals(1, after.engineSessions());
    }

    /**
     * @param executor the handler executor, or null for the default pool
     * @param gate     what the handler of the first event waits for, or null
     */
    private void start(Executor executor, CountDownLatch gate) {
        WindsockOptions.Builder options = WindsockOptions.builder().port(0)
                .engine(EngineOptions.builder().pingInterval(Duration.ofMinutes(2)).pingTimeout(Duration.ofMinutes(1)).build());
        if (executor != null) {
            options.handlerExecutor(executor);
        }
        server = Windsock.builder().options(options.build())
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("e", (args, ack) -> {
                    int index = ((Number) args.get(0)).intValue();
                    if (index == 0 && gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the gate never opened");
                    }
                    received.add(index);
                    if (index == PACKETS - 1) {
                        socket.emit("done");
                    }
                })))
                .build().start();
    }

    /** Opens a session and joins "/": its query string for the next requests. */
    private String join() throws Exception {
        String open = send(HttpRequest.newBuilder(uri(POLLING))).get(10, TimeUnit.SECONDS).body();
        assertTrue(open.startsWith("0{\"sid\":\""), open);
        String session = POLLING + "&sid=" + open.substring(9, open.indexOf('"', 9));
        assertEquals("ok", post(session, "40").get(10, TimeUnit.SECONDS).body());
        String connected = getAsync(session).get(10, TimeUnit.SECONDS).body();
        assertTrue(connected.startsWith("40{\"sid\":"), connected);
        return session;
    }

    private static String burst() {
        return IntStream.range(0, PACKETS).mapToObj(i -> "42[\"e\"," + i + "]").collect(Collectors.joining("\u001e"));
    }

    private static List<Integer> expected() {
        return IntStream.range(0, PACKETS).boxed().toList();
    }

    private ServerStats awaitStats(Predicate<ServerStats> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ServerStats stats = server.stats();
            assertEquals(1, stats.engineSessions(), "the session closed: " + stats);
            if (condition.test(stats)) {
                return stats;
            }
            assertTrue(System.nanoTime() < deadline, "never reached: " + stats);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
        return http.sendAsync(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
