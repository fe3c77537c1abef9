package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Outgoing listeners, with several threads emitting to one socket, its handlers on the default pool
 * and two network threads: they see the events in the order the client got them, and none after the
 * disconnect listeners ran (a notice used to be queued after the write's lock was released, so
 * another thread's write, or the socket's close, could get ahead of it).
 */
class OutgoingListenerOrderTest {
    private static final int EMITTERS = 4;

    @Test
    void outgoingListenersSeeEventsInWireOrder() throws Exception {
        int rounds = 5;
        int perEmitter = 2_000; // a round's notices stay under the socket's bound on waiting ones
        BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
        Windsock server = start(connected);
        try {
            List<String> wire = new ArrayList<>(); // the client's thread only
            List<String> seen = new ArrayList<>(); // the socket's executor only
            AtomicReference<CountDownLatch> received = new AtomicReference<>();
            AtomicReference<CountDownLatch> notified = new AtomicReference<>();
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port(), packet -> {
                wire.add(packet);
                received.get().countDown();
            });
            Socket socket = connected.poll(10, TimeUnit.SECONDS);
            socket.onAnyOutgoing((event, args) -> {
                seen.add(packetText(event, args));
                notified.get().countDown();
            });
            for (int round = 0; round < rounds; round++) {
                received.set(new CountDownLatch(EMITTERS * perEmitter));
                notified.set(new CountDownLatch(EMITTERS * perEmitter));
                emitConcurrently(socket, round, perEmitter);
                assertTrue(received.get().await(20, TimeUnit.SECONDS), "the client got every event");
                assertTrue(notified.get().await(20, TimeUnit.SECONDS), "the outgoing listener saw every event");
            }
            // Both lists are complete: the latches' count-downs came after their adds.
            assertEquals(rounds * EMITTERS * perEmitter, wire.size());
            int at = firstDifference(wire, seen);
            assertEquals(wire.size(), at, () -> "the outgoing listener's order differs from the wire's at "
                    + wire.subList(at, Math.min(at + 3, wire.size())) + " vs " + seen.subList(at, Math.min(at + 3, seen.size())));
            client.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void noOutgoingNoticeAfterTheDisconnectListeners() throws Exception {
        int connections = 15;
        BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
        Windsock server = start(connected);
        try {
            HttpClient http = HttpClient.newHttpClient();
            int late = 0;
            for (int c = 0; c < connections; c++) {
                CountDownLatch someReceived = new CountDownLatch(50);
                V4TestClient client = V4TestClient.connect(http, server.port(), packet -> someReceived.countDown());
                Socket socket = connected.poll(10, TimeUnit.SECONDS);
                // Both listeners run on the socket's executor, one at a time: a plain flag is enough.
                boolean[] disconnectRan = {false};
                AtomicInteger seenAfter = new AtomicInteger();
                CountDownLatch disconnected = new CountDownLatch(1);
                socket.onAnyOutgoing((event, args) -> {
                    if (disconnectRan[0]) {
                        seenAfter.incrementAndGet();
                    }
                });
                socket.onDisconnect(reason -> {
                    disconnectRan[0] = true;
                    disconnected.countDown();
                });
                // Bounded, so the notices stay under the socket's bound and the client keeps up.
                List<Thread> emitters = startEmitting(socket, 2_000);
                assertTrue(someReceived.await(10, TimeUnit.SECONDS), "the client gets events");
                client.close(); // the socket closes on its network thread while the emitters write
                assertTrue(disconnected.await(10, TimeUnit.SECONDS), "the disconnect listeners ran");
                for (Thread emitter : emitters) {
                    emitter.join(10_000);
                }
                CompletableFuture<Void> drained = new CompletableFuture<>();
                socket.executor().execute(() -> drained.complete(null)); // behind every notice queued
                drained.get(10, TimeUnit.SECONDS);
                late += seenAfter.get();
            }
            assertEquals(0, late, "outgoing notices run after the disconnect listeners");
        } finally {
            server.stop();
        }
    }

    private static Windsock start(BlockingQueue<Socket> connected) {
        return Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", ns -> ns.onConnection(connected::add))
                .build().start();
    }

    /** EMITTERS threads, released together, each emitting {@code count} numbered events; returns once all did. */
    private static void emitConcurrently(Socket socket, int round, int count) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int e = 0; e < EMITTERS; e++) {
            int emitter = e;
            Thread thread = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < count; i++) {
                    socket.emit("n", round, emitter, i);
                }
            }, "emitter-" + e);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(20_000);
        }
    }

    /** EMITTERS threads emitting {@code count} events each to the socket, or fewer if it disconnects first. */
    private static List<Thread> startEmitting(Socket socket, int count) {
        List<Thread> threads = new ArrayList<>();
        for (int e = 0; e < EMITTERS; e++) {
            int emitter = e;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < count && socket.isConnected(); i++) {
                    socket.emit("n", emitter, i);
                }
            }, "emitter-" + e);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    /** The v4 text the client receives for an event of numbers. */
    private static String packetText(String event, List<Object> args) {
        StringBuilder text = new StringBuilder("42[\"").append(event).append('"');
        for (Object arg : args) {
            text.append(',').append(arg);
        }
        return text.append(']').toString();
    }

    private static int firstDifference(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
