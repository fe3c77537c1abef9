package io.windsock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An application's handler executor that rejects tasks, with two network threads and real handler
 * threads: no event, ack or close is lost (a rejected connection task used to be dropped with its
 * bookkeeping: the events behind it never handled, the disconnect listeners never run, a stop
 * waiting for them until its timeout).
 */
class RejectingExecutorTest {
    private static final int CLIENTS = 4;
    private static final int EVENTS = 300;

    @Test
    void aFullExecutorTakesTheTasksLaterInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger rejections = new AtomicInteger();
        // Refuses every third task, as a bounded pool refuses when full.
        java.util.concurrent.Executor full = task -> {
            if (calls.getAndIncrement() % 3 == 0) {
                rejections.incrementAndGet();
                throw new RejectedExecutionException("full");
            }
            pool.execute(task);
        };
        try {
            echoEveryEventAndDisconnect(full);
            assertTrue(rejections.get() > 0, "the executor refused some tasks");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorThatFailsToTakeATaskAnotherWayIsOfferedItAgainToo() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        // Fails every third task as a ThreadPoolExecutor does that cannot start a thread.
        java.util.concurrent.Executor failing = task -> {
            if (calls.getAndIncrement() % 3 == 0) {
                failures.incrementAndGet();
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            }
            pool.execute(task);
        };
        try {
            echoEveryEventAndDisconnect(failing);
            assertTrue(failures.get() > 0, "the executor failed some hand-offs");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every client's every event is acked in order, and every disconnect listener runs. */
    private static void echoEveryEventAndDisconnect(java.util.concurrent.Executor executor) throws Exception {
        CountDownLatch disconnected = new CountDownLatch(CLIENTS);
        Windsock server = echoServer(executor, disconnected);
        try {
            List<V4TestClient> clients = new ArrayList<>();
            List<CompletableFuture<Void>> allAcked = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int c = 0; c < CLIENTS; c++) {
                CompletableFuture<Void> acked = new CompletableFuture<>();
                AtomicInteger next = new AtomicInteger();
                clients.add(V4TestClient.connect(http, server.port(), packet -> {
                    int expected = next.get();
                    if (!packet.equals("43" + expected + "[" + expected + "]")) {
                        acked.completeExceptionally(new AssertionError("ack " + expected + " expected, got " + packet));
                    } else if (next.incrementAndGet() == EVENTS) {
                        acked.complete(null);
                    }
                }));
                allAcked.add(acked);
            }
            for (int i = 0; i < EVENTS; i++) {
                for (V4TestClient client : clients) {
                    client.send("42" + i + "[\"echo\"," + i + "]");
                }
            }
            for (CompletableFuture<Void> acked : allAcked) {
                acked.get(20, TimeUnit.SECONDS);
            }
            for (V4TestClient client : clients) {
                client.close();
            }
            assertTrue(disconnected.await(10, TimeUnit.SECONDS), "every disconnect listener ran");
        } finally {
            server.stop();
        }
    }

    @Test
    void anExecutorShutDownBeforeTheServerStillLetsClosesComplete() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch disconnected = new CountDownLatch(CLIENTS);
        Windsock server = echoServer(pool, disconnected);
        try {
            List<V4TestClient> clients = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(V4TestClient.connect(http, server.port()));
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            for (V4TestClient client : clients) {
                client.close();
            }
            assertTrue(disconnected.await(10, TimeUnit.SECONDS), "every disconnect listener ran");
        } finally {
            server.stop();
        }
    }

    private static Windsock echoServer(java.util.concurrent.Executor executor, CountDownLatch disconnected) {
        return Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).handlerExecutor(executor).build())
                .namespace("/", ns -> ns.onConnection(socket -> {
                    socket.on("echo", (args, ack) -> ack.send(args.toArray()));
                    socket.onDisconnect(reason -> disconnected.countDown());
                }))
                .build().start();
    }
}
