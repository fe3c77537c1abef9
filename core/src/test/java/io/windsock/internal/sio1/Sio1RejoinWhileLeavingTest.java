package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.Rejection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 0.9 client that leaves an endpoint while it is still joining ({@code 0::/chat} before the
 * {@code 1::/chat} answer) and joins it again at once: the socket that left stays the connection's
 * member for "/chat" until its close has run, and the second {@code 1::/chat} arrives before that. The
 * 0.9 server answers every {@code 1::/chat}; the stock client waits for that answer to emit "connect",
 * so ignoring it as a repeated CONNECT left the endpoint unusable. The join now waits for the old
 * socket's close and is answered then, with what the client sent after it handled on the new socket.
 *
 * <p>To read the second {@code 1::/chat} before the old socket's close every time, the first join's
 * call of the adapter's {@code ready()} is held: the socket's connect waits on it, and its close, on
 * the same executor, waits behind. Real handler pool, two network threads.
 */
class Sio1RejoinWhileLeavingTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final AtomicInteger chatConnections = new AtomicInteger();
    private final AtomicInteger chatDisconnects = new AtomicInteger();
    private final AtomicInteger readyCalls = new AtomicInteger();
    private final CountDownLatch firstJoinInReady = new CountDownLatch(1);
    private final CountDownLatch releaseFirstJoin = new CountDownLatch(1);
    private final CompletableFuture<Void> chatReady = new CompletableFuture<>();
    private volatile boolean refuseChat;
    private Windsock server;
    private RawSio1WebSocket ws;
    private int pings;

    @Test
    void aJoinReadBeforeTheLeftSocketClosedIsAnsweredOnceThenWithItsEvents() throws Exception {
        start();
        ws.send("1::/chat");
        assertTrue(firstJoinInReady.await(10, TimeUnit.SECONDS), "the first socket connects");
        ws.send(hello(1)); // held by the first socket while it joins, dropped as it leaves
        ws.send("0::/chat");
        ws.send("1::/chat");
        ws.send(hello(2)); // sent right after the join, as the stock client does: for the new socket
        ping(); // the server read them all, the old socket still closing
        assertEquals(2, server.stats().sockets(), "\"/\" and the socket that left, which still closes");

        releaseFirstJoin.countDown();
        await(readyCalls::get, 2, "the new socket joins once the old one closed");
        assertEquals(2, server.stats().sockets(), "\"/\" and the new socket");
        ping(); // nothing answered while /chat is not ready
        chatReady.complete(null);
        assertEquals("1::/chat", ws.next(), "the new join is answered");
        ws.send(hello(3));
        assertEquals("hello [2]", seen.poll(10, TimeUnit.SECONDS), "the event sent after the join, on the new socket");
        assertEquals("hello [3]", seen.poll(10, TimeUnit.SECONDS));
        ping(); // answered once: nothing else came before
        assertEquals(1, chatConnections.get(), "the new socket connected, the old one never did");
        assertEquals(0, chatDisconnects.get());
        assertNoSocketBesides();

        ws.send("0::"); // the client goes: its session ends
        await(() -> server.stats().sockets(), 0, "sockets left after the client went");
        ws.close();
        assertEquals(1, chatDisconnects.get(), "the new socket's disconnect listener ran once");
        assertEquals(0, server.stats().queuedEvents());
        assertTrue(seen.isEmpty(), "the event the first socket held was dropped: " + seen);
    }

    @Test
    void leavingAndJoiningAgainWhileTheLeftSocketClosesKeepsOneJoinAtMost() throws Exception {
        start();
        ws.send("1::/chat");
        assertTrue(firstJoinInReady.await(10, TimeUnit.SECONDS), "the first socket connects");
        ws.send("0::/chat");
        for (int i = 0; i < 500; i++) {
            ws.send("1::/chat");
            ws.send("1::/chat"); // a second join while one waits: ignored
            ws.send(hello(i)); // dropped with the join the next 0::/chat gives up
            ws.send("0::/chat");
        }
        ws.send("1::/chat");
        ws.send(hello(1000));
        ping();
        assertEquals(2, server.stats().sockets(), "\"/\" and the socket that left: no socket was made for the joins");
        // The last join's event; the ping's counts until its handler has returned, just after its answer.
        await(() -> server.stats().queuedEvents(), 1, "the events of the joins given up were counted out");

        releaseFirstJoin.countDown();
        chatReady.complete(null);
        assertEquals("1::/chat", ws.next(), "the last join is answered");
        assertEquals("hello [1000]", seen.poll(10, TimeUnit.SECONDS));
        ping(); // answered once
        assertEquals(1, chatConnections.get());
        assertNoSocketBesides();
        assertEquals(2, readyCalls.get(), "two sockets joined /chat in all");

        ws.send("0::"); // the client goes: its session ends
        await(() -> server.stats().sockets(), 0, "sockets left after the client went");
        ws.close();
        assertEquals(0, server.stats().queuedEvents());
        assertTrue(seen.isEmpty(), "only the last join's event was handled: " + seen);
    }

    /**
     * No socket was made for a join until the one that left had closed: "/" and one "/chat" socket at
     * a time, give or take the old one's count, which ends last in its close, just after the new
     * socket may have been made.
     */
    private void assertNoSocketBesides() {
        assertTrue(server.stats().peakSockets() <= 3, "peak sockets: " + server.stats().peakSockets());
    }

    @Test
    void aJoinThatWaitedIsRefusedAsAnyOther() throws Exception {
        start();
        refuseChat = true;
        ws.send("1::/chat");
        assertTrue(firstJoinInReady.await(10, TimeUnit.SECONDS), "the first socket connects");
        ws.send("0::/chat");
        ws.send("1::/chat");
        ws.send(hello(2));
        ping();

        releaseFirstJoin.countDown();
        chatReady.complete(null);
        assertEquals("7::/chat:2", ws.next(), "the new join is refused (connect_failed)");
        ping(); // answered once
        assertEquals(0, chatConnections.get());
        assertEquals(2, readyCalls.get());

        ws.send("0::");
        await(() -> server.stats().sockets(), 0, "sockets left after the client went");
        ws.close();
        assertEquals(0, server.stats().queuedEvents(), "the event the refused socket held was counted out");
        assertTrue(seen.isEmpty(), "nothing was handled on /chat: " + seen);
    }

    private void start() throws Exception {
        server = servers.start(options -> options.ioThreads(2), app -> app
                .adapter(ns -> new InMemoryAdapter(ns) {
                    @Override
                    public CompletionStage<Void> ready() {
                        if (!"/chat".equals(ns.name())) {
                            return CompletableFuture.completedFuture(null);
                        }
                        if (readyCalls.incrementAndGet() == 1) { // called on the joining socket's executor
                            firstJoinInReady.countDown();
                            try {
                                assertTrue(releaseFirstJoin.await(30, TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return chatReady;
                    }
                })
                .namespace("/", ns -> ns.onConnection(s -> s.on("ping", (args, ack) -> ack.send("pong"))))
                .namespace("/chat", ns -> ns.use(socket -> {
                    if (refuseChat) {
                        throw new Rejection("closed");
                    }
                }).onConnection(s -> {
                    chatConnections.incrementAndGet();
                    s.on("hello", (args, ack) -> seen.add("hello " + args));
                    s.onDisconnect(reason -> chatDisconnects.incrementAndGet());
                })));
        ws = RawSio1WebSocket.connect(servers.http(), server.port());
        assertEquals("1::", ws.next());
    }

    private static String hello(int n) {
        return "5::/chat:{\"name\":\"hello\",\"args\":[" + n + "]}";
    }

    /** A ping on "/" answered next: every packet sent before it was read, and nothing else was written. */
    private void ping() throws Exception {
        int id = ++pings;
        ws.send("5:" + id + "+::{\"name\":\"ping\"}");
        assertEquals("6:::" + id + "+[\"pong\"]", ws.next());
    }

    /** Waits for a count the server keeps: there is no event to wait on. */
    private static void await(LongSupplier value, long expected, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected) {
            assertTrue(System.nanoTime() < deadline, what + ": " + value.getAsLong());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
