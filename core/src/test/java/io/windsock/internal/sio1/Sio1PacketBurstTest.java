package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.Protocol1Options;
import io.windsock.server.ServerStats;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One xhr-polling POST of a Socket.IO 0.9 client carrying many more packets than
 * {@code maxPacketsPerPayload} (10,000): socket.io-client 0.9 buffers what is sent while a POST is on
 * its way and sends it all in the next one, framed, so a burst of sends arrives as one body. Every
 * packet is delivered, in order, a slice at a time, and the session stays open.
 */
class Sio1PacketBurstTest {
    private static final int PACKETS = 25_001;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private Windsock server;

    @Test
    void aPostOfMorePacketsThanTheCapIsDeliveredWholeAndInOrder() throws Exception {
        start(Runnable::run, null);
        String url = join();
        CompletableFuture<String> done = awaitDone(url);

        HttpResponse<String> posted = post(url, burst()).get(30, TimeUnit.SECONDS);
        assertEquals(200, posted.statusCode());
        assertEquals("1", posted.body());
        assertTrue(done.get(30, TimeUnit.SECONDS).contains("\"done\""), "what the last handler sent, not a disconnect");
        assertEquals(expected(), received);
        assertEquals(1, server.stats().engineSessions());
    }

    @Test
    void readingPausedMidBodyHoldsTheRestAndTheAnswerUntilItResumes() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        start(null, gate); // the default handler pool
        String url = join();
        CompletableFuture<String> done = awaitDone(url);

        CompletableFuture<HttpResponse<String>> posted = post(url, burst());
        // The first handler waits: reading pauses above 5,000 queued, the first slice goes in whole and
        // the rest of the body waits, with the POST's answer.
        ServerStats paused = awaitStats(s -> s.pausedConnections() == 1 && s.queuedEvents() == 10_000);
        assertEquals(10_000, paused.peakConnectionQueuedEvents(), "one slice, no more, while reading is paused");
        assertFalse(posted.isDone(), "the POST is answered only once its whole body is delivered");
        assertTrue(received.isEmpty());

        gate.countDown();
        HttpResponse<String> answer = posted.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertEquals("1", answer.body());
        assertTrue(done.get(30, TimeUnit.SECONDS).contains("\"done\""));
        assertEquals(expected(), received);
        ServerStats after = server.stats();
        assertTrue(after.pauses() >= 1, after::toString);
        assertTrue(after.peakConnectionQueuedEvents() <= 15_000, "the high-water mark plus one slice at most: " + after);
        assertEquals(0, after.queueLimitDisconnects());
        assertEquals(1, after.engineSessions());
    }

    /**
     * @param executor the handler executor, or null for the default pool
     * @param gate     what the handler of the first message waits for, or null
     */
    private void start(Executor executor, CountDownLatch gate) {
        server = servers.start(options -> {
            options.protocol1(Protocol1Options.builder().heartbeatInterval(Duration.ofMinutes(2)).build());
            if (executor != null) {
                options.handlerExecutor(executor);
            }
        }, app -> app
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("message", (args, ack) -> {
                    int index = Integer.parseInt((String) args.get(0));
                    if (index == 0 && gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the gate never opened");
                    }
                    received.add(index);
                    if (index == PACKETS - 1) {
                        socket.emit("done");
                    }
                }))));
    }

    /** Handshakes and takes the connect: the session's xhr-polling path. */
    private String join() throws Exception {
        String handshake = get("/socket.io/1/").get(10, TimeUnit.SECONDS).body();
        String url = "/socket.io/1/xhr-polling/" + handshake.substring(0, handshake.indexOf(':'));
        assertEquals("1::", get(url).get(10, TimeUnit.SECONDS).body());
        return url;
    }

    /** Polls, as the client does, until a body other than a noop comes: that body. */
    private CompletableFuture<String> awaitDone(String url) {
        return get(url).thenCompose(response -> "8::".equals(response.body())
                ? awaitDone(url) : CompletableFuture.completedFuture(response.body()));
    }

    /** What socket.io-client 0.9 posts after {@code socket.send(i)} for every i while a POST was on its way. */
    private static String burst() {
        return IntStream.range(0, PACKETS).mapToObj(i -> "3:::" + i)
                .map(packet -> "\ufffd" + packet.length() + "\ufffd" + packet).collect(Collectors.joining());
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

    private CompletableFuture<HttpResponse<String>> get(String path) {
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
