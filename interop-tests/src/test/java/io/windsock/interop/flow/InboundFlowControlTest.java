package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.ServerStats;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.server.ClientError;
import io.windsock.server.WindsockOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inbound flow control on the real handler pool and two event loops: a client that sends faster
 * than its handlers run is no longer read (its socket's queue stays bounded), its neighbours keep
 * their acks, and once the handler catches up every queued event is handled and reading resumes.
 */
class InboundFlowControlTest {
    /** Enough 1 KB events that the kernel's socket buffers cannot hold them all (tens of MB). */
    private static final int FLOOD_EVENTS = Integer.getInteger("windsock.flood.events", 40_000);
    private static final String KB = "x".repeat(1000);
    private static final Duration LONG = Duration.ofSeconds(90);

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void aWebSocketFloodIsNoLongerReadWhileItsHandlerIsBlocked() throws Exception {
        Flood flood = new Flood(FLOOD_EVENTS);
        RawSocketIo flooder = RawSocketIo.connect(flood.server.port());
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < FLOOD_EVENTS; i++) {
                    flooder.sendBuffered("42[\"flood\",\"" + KB + "\"]");
                }
                flooder.flush();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (flooder) {
            flood.assertPausedAndNeighboursServed(sending);
            flood.releaseAndAssertAllHandled(sending);
        }
    }

    @Test
    void aPollingFloodHasItsPostHeldWhileItsHandlerIsBlocked() throws Exception {
        int perPost = 100;
        int posts = FLOOD_EVENTS / perPost;
        Flood flood = new Flood(posts * perPost);
        int port = flood.server.port();
        String sid = pollingJoin(port);
        String body = String.join("\u001e", java.util.Collections.nCopies(perPost, "42[\"flood\",\"" + KB + "\"]"));
        AtomicInteger answered = new AtomicInteger();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < posts; i++) {
                RawHttp.Response response = RawHttp.request(port, "POST", pollingPath(sid), body,
                        "Content-Type: text/plain;charset=UTF-8");
                assertEquals("ok", response.body());
                answered.incrementAndGet();
            }
        });
        flood.assertPausedAndNeighboursServed(sending);
        int heldAt = answered.get();
        assertTrue(heldAt < posts, "every POST was answered although reading was paused");
        flood.releaseAndAssertAllHandled(sending);
    }

    @Test
    void aClientSendingPastThePauseIsDisconnectedAtTheLimit() throws Exception {
        Mailbox<Throwable> errors = interop.mailbox("errors");
        CountDownLatch release = new CountDownLatch(1);
        Windsock server = interop.server(o -> o.ioThreads(2).maxQueuedEvents(8)
                .errorHandler((socket, event, error) -> errors.put(error)));
        server.of("/").onConnection(socket -> socket.on("e", (args, ack) -> await(release)));
        try (RawSocketIo client = RawSocketIo.connect(server.port())) {
            // Pipelined in one write: the server reads them in one go, past its pause at 2 queued.
            client.sendAll(java.util.Collections.nCopies(200, "42[\"e\"]"));
            Throwable error = errors.take();
            assertTrue(error instanceof ClientError && error.getMessage().contains("queue limit of 8 events"),
                    "the error hook names the limit: " + error);
            assertEquals("41", client.next(), "the client is told to go (it does not reconnect)");
            assertEquals(RawSocketIo.CLOSED, client.next());
            assertEquals(1, server.stats().queueLimitDisconnects());
            assertTrue(server.stats().peakConnectionQueuedEvents() <= 8);
        } finally {
            release.countDown();
        }
    }

    /** A server whose "flood" handler blocks until released, with an "echo" event for neighbours. */
    private final class Flood {
        final Windsock server;
        final WindsockOptions options;
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch allHandled;
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final long heapBefore;

        ServerStats stats() {
            return server.stats();
        }

        Flood(int events) {
            allHandled = new CountDownLatch(events);
            server = interop.server(o -> o.ioThreads(2));
            options = server.options();
            server.of("/").onConnection(socket -> {
                socket.on("flood", (args, ack) -> {
                    await(release);
                    allHandled.countDown();
                });
                socket.on("echo", (args, ack) -> ack.send(args.toArray()));
            });
            heapBefore = usedHeapAfterGc();
        }

        void assertPausedAndNeighboursServed(CompletableFuture<Void> sending) throws Exception {
            awaitTrue(() -> stats().pausedConnections() == 1, "the flooding connection was never paused");
            // Neighbours on both event loops get their acks while the flood waits.
            List<RawSocketIo> neighbours = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    neighbours.add(RawSocketIo.connect(server.port()));
                }
                for (int round = 0; round < 5; round++) {
                    for (RawSocketIo neighbour : neighbours) {
                        neighbour.send("42" + round + "[\"echo\",\"hi\"]");
                        assertEquals("43" + round + "[\"hi\"]", neighbour.next());
                    }
                }
            } finally {
                neighbours.forEach(RawSocketIo::close);
            }
            assertFalse(sending.isDone(), "the flooder sent everything although its handler is blocked");
            assertEquals(1, stats().pausedConnections());
            long peakBytes = stats().peakConnectionQueuedBytes();
            long peakEvents = stats().peakConnectionQueuedEvents();
            // Paused above a quarter of the limit; after the pause at most one read or one POST more arrives.
            assertTrue(peakBytes <= options.maxQueuedEventBytes() / 4 + options.engine().maxHttpBufferSize(),
                    "queued " + peakBytes + " bytes");
            assertTrue(peakEvents <= options.maxQueuedEvents(), "queued " + peakEvents + " events");
            assertEquals(0, stats().queueLimitDisconnects());
            long heapPaused = usedHeapAfterGc();
            System.out.printf("flood paused: %d events / %d bytes queued at peak, heap %+.1f MB after GC%n",
                    peakEvents, peakBytes, (heapPaused - heapBefore) / 1e6);
        }

        void releaseAndAssertAllHandled(CompletableFuture<Void> sending) throws Exception {
            release.countDown();
            sending.get(LONG.toSeconds(), TimeUnit.SECONDS); // reading resumed: everything went out
            assertTrue(allHandled.await(LONG.toSeconds(), TimeUnit.SECONDS), "not every event was handled");
            awaitTrue(() -> stats().queuedEvents() == 0 && stats().pausedConnections() == 0, "the queue did not drain");
            assertTrue(stats().pauses() >= 1);
        }
    }

    static String pollingPath(String sid) {
        return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
    }

    /** Opens a polling session and joins {@code /}; returns the Engine.IO session id. */
    static String pollingJoin(int port) {
        RawHttp.Response open = RawHttp.request(port, "GET", "/socket.io/?EIO=4&transport=polling", null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
        assertTrue(m.find(), open.body());
        String sid = m.group(1);
        assertEquals("ok", RawHttp.request(port, "POST", pollingPath(sid), "40", "Content-Type: text/plain;charset=UTF-8").body());
        assertTrue(RawHttp.request(port, "GET", pollingPath(sid), null).body().startsWith("40{"));
        return sid;
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(LONG.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a condition that a counter shows, polling it, up to the interop timeout. */
    static void awaitTrue(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + Mailbox.DEFAULT_TIMEOUT.toNanos() * 3;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(5);
        }
    }

    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
