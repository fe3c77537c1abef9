package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acks racing their timeout and their sockets leaving, under real threads (sessions on two event
 * loops, futures completed on the default handler pool, clients answering from their own threads):
 * every future ends once, in time, with answers that were sent, each recipient's at most once.
 */
class AckRacesTest {
    private static final Pattern QUESTION = Pattern.compile("42(\\d+)\\[\"q\".*");
    private static final int ROUNDS = 300;
    /** Far beyond any timeout here: a future still pending then was lost. */
    private static final long END_SECONDS = 10;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService answering = Executors.newCachedThreadPool();
    private final BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
    private Windsock server;

    private record Peer(V4TestClient client, Socket socket) {
    }

    @BeforeEach
    void start() {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", ns -> ns.onConnection(connected::add))
                .build().start();
    }

    @AfterEach
    void stop() {
        answering.shutdownNow();
        server.stop();
    }

    /** A client that answers every question with its name at once, from another thread, if it answers. */
    private Peer peer(String name, boolean answers) throws Exception {
        V4TestClient[] self = new V4TestClient[1];
        self[0] = V4TestClient.connect(http, server.port(), packet -> {
            Matcher m = QUESTION.matcher(packet);
            if (answers && m.matches()) {
                answering.execute(() -> {
                    try {
                        self[0].send("43" + m.group(1) + "[\"" + name + "\"]");
                    } catch (Exception e) {
                        // closed meanwhile: this answer counts as missing
                    }
                });
            }
        });
        Socket socket = connected.poll(10, TimeUnit.SECONDS);
        assertTrue(socket != null, "connected");
        return new Peer(self[0], socket);
    }

    private static void close(Peer peer) {
        try {
            peer.client().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBroadcastsAcksRacingItsTimeoutEndItOnce() throws Exception {
        peer("a", true).socket().join("room");
        peer("b", true).socket().join("room");
        AtomicInteger completions = new AtomicInteger();
        CountDownLatch allEnded = new CountDownLatch(ROUNDS);
        int complete = 0;
        for (int i = 0; i < ROUNDS; i++) {
            CompletableFuture<List<Object>> acks = server.of("/").to("room").timeout(Duration.ofMillis(i % 5))
                    .emitWithAck("q", i);
            acks.whenComplete((r, e) -> {
                completions.incrementAndGet();
                allEnded.countDown();
            });
            try {
                List<Object> answers = acks.get(END_SECONDS, TimeUnit.SECONDS);
                assertEquals(Set.of("a", "b"), new HashSet<>(answers), "round " + i);
                assertEquals(2, answers.size(), "round " + i);
                complete++;
            } catch (ExecutionException e) {
                List<Object> received = assertInstanceOf(BroadcastTimeoutException.class, e.getCause()).responses();
                assertTrue(received.size() < 2 && Set.of("a", "b").containsAll(received),
                        "round " + i + ": " + received);
            }
        }
        assertTrue(complete > 0, "no broadcast ever got both answers in time"); // 0 and 1 ms time out, mostly
        assertTrue(allEnded.await(END_SECONDS, TimeUnit.SECONDS), "every dependent stage ran");
        assertEquals(ROUNDS, completions.get(), "each future completed once");
    }

    @Test
    void recipientsLeavingDuringABroadcastCountAsMissing() throws Exception {
        for (int round = 0; round < 10; round++) {
            List<Peer> staying = new ArrayList<>();
            List<Peer> leaving = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                staying.add(peer("s" + i, true));
                leaving.add(peer("l" + i, false));
            }
            String room = "room" + round;
            staying.forEach(p -> p.socket().join(room));
            leaving.forEach(p -> p.socket().join(room));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> leaving.forEach(AckRacesTest::close));
            CompletableFuture<List<Object>> acks = server.of("/").to(room).timeout(Duration.ofMillis(300))
                    .emitWithAck("q");
            List<Object> answers;
            try {
                answers = acks.get(END_SECONDS, TimeUnit.SECONDS); // every leaving client left before it was sent
            } catch (ExecutionException e) {
                answers = assertInstanceOf(BroadcastTimeoutException.class, e.getCause()).responses();
            }
            assertEquals(Set.of("s0", "s1", "s2"), new HashSet<>(answers), "round " + round);
            assertEquals(3, answers.size(), "round " + round);
            closing.get(10, TimeUnit.SECONDS);
            staying.forEach(AckRacesTest::close);
        }
    }

    @Test
    void aSocketsOwnAckRacingItsTimeoutOrItsCloseEndsItOnce() throws Exception {
        Peer answering = peer("a", true);
        for (int i = 0; i < ROUNDS; i++) {
            try {
                assertEquals(List.of("a"), answering.socket().emitWithAck(Duration.ofMillis(i % 5), "q", i)
                        .get(END_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertInstanceOf(TimeoutException.class, e.getCause(), "round " + i);
            }
        }
        for (int i = 0; i < 30; i++) {
            Peer leaving = peer("l", true);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> close(leaving));
            try {
                assertEquals(List.of("l"), leaving.socket().emitWithAck(Duration.ofSeconds(60), "q")
                        .get(END_SECONDS, TimeUnit.SECONDS)); // answered before the close was read
            } catch (ExecutionException e) {
                assertInstanceOf(IllegalStateException.class, e.getCause(), "round " + i); // at once, not in 60 s
            }
            closing.get(10, TimeUnit.SECONDS);
        }
    }
}
