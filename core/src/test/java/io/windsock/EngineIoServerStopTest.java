package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineIoServer#stop(Duration)} keeps the contract of {@link Windsock#stop(Duration)}: it waits
 * for the listener calls of messages that arrived before and for every session's {@code onClose}, up
 * to its timeout; past it the running listeners are interrupted and what is queued still runs; called
 * from a listener it does not wait for itself. Before, it ended the handler pool without waiting, so
 * it returned while listeners still ran, and their {@code onClose} came after it (or never, for one
 * blocked for good). Real threads: two event loops, the default handler pool or an application's
 * one-thread executor, real WebSocket clients.
 */
class EngineIoServerStopTest {
    private static final String PATH = "/engine.io/";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long, so that a stop that waits for itself, or for a listener it should have interrupted, shows. */
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    /** What the listener did, in order: "a hello", "a block", "a closed: server shutting down"... */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** Connection id to the name its first message gave. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private ExecutorService applicationExecutor;
    private EngineIoServer server;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
        if (applicationExecutor != null) {
            applicationExecutor.shutdownNow();
        }
    }

    private void start(UnaryOperator<WindsockOptions.Builder> options) {
        server = new EngineIoServer(options.apply(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2)
                .path(PATH)).build(), new EngineIoServer.Listener() {
            @Override
            public void onOpen(EngineIoServer.Connection connection) {
            }

            @Override
            public void onMessage(EngineIoServer.Connection connection, String text) {
                String name = names.putIfAbsent(connection.id(), text);
                if (name == null) {
                    calls.add(text + " hello");
                    return;
                }
                calls.add(name + " " + text);
                if (text.equals("block")) {
                    blocked.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        calls.add(name + " interrupted");
                    }
                } else if (text.equals("stop")) {
                    server.stop();
                    calls.add(name + " stop returned");
                }
            }

            @Override
            public void onBinary(EngineIoServer.Connection connection, byte[] data) {
            }

            @Override
            public void onClose(EngineIoServer.Connection connection, String reason) {
                calls.add(names.get(connection.id()) + " closed: " + reason);
            }
        }).start();
    }

    @Test
    void stopWaitsForTheCallsQueuedBeforeAndEveryOnClose() throws Exception {
        start(o -> o);
        Client a = Client.connect(http, server.port(), "a");
        Client b = Client.connect(http, server.port(), "b"); // on the other event loop
        Await.until(() -> calls.contains("a hello") && calls.contains("b hello"), WAIT, calls::toString);
        a.send("block");
        a.send("after");
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        Await.until(() -> server.stats().queuedEvents() == 2, WAIT, () -> "both of a's messages arrived: " + server.stats());

        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.stop(LONG_TIMEOUT), stopper);
            a.closed.get(10, TimeUnit.SECONDS); // the sessions are closed at once
            b.closed.get(10, TimeUnit.SECONDS);
            Await.until(() -> calls.contains("b closed: server shutting down"), WAIT, calls::toString);
            assertThrows(TimeoutException.class, () -> stopped.get(500, TimeUnit.MILLISECONDS),
                    "the stop returned while a listener still ran: " + calls);
            assertFalse(calls.contains("a after"), calls.toString());

            release.countDown();
            stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            // Everything has run by the time stop returns, in order, and nothing was interrupted.
            List<String> ofA = calls.stream().filter(c -> c.startsWith("a ")).toList();
            assertEquals(List.of("a hello", "a block", "a after", "a closed: server shutting down"), ofA);
            assertTrue(calls.contains("b closed: server shutting down"), calls.toString());
        } finally {
            stopper.shutdownNow();
        }
    }

    @Test
    void pastTheTimeoutRunningListenersAreInterruptedAndTheQueuedCallsStillRun() throws Exception {
        start(o -> o.shutdownTimeout(Duration.ofMillis(500)));
        Client a = Client.connect(http, server.port(), "a");
        Client.connect(http, server.port(), "b");
        Await.until(() -> calls.contains("a hello") && calls.contains("b hello"), WAIT, calls::toString);
        a.send("block");
        a.send("after");
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        Await.until(() -> server.stats().queuedEvents() == 2, WAIT, () -> "both of a's messages arrived: " + server.stats());

        long start = System.nanoTime();
        server.stop();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < 10_000, "the stop took " + tookMs + " ms with a timeout of 500 ms");
        // The interrupt ends the blocked call; the message and the close queued behind it still run.
        Await.until(() -> calls.contains("a closed: server shutting down")
                && calls.contains("b closed: server shutting down"), WAIT, calls::toString);
        List<String> ofA = calls.stream().filter(c -> c.startsWith("a ")).toList();
        assertEquals(List.of("a hello", "a block", "a interrupted", "a after", "a closed: server shutting down"), ofA);
    }

    @Test
    void stopFromAListenerOnTheDefaultPoolDoesNotWaitForItself() throws Exception {
        stopFromAListener(o -> o);
    }

    /** One thread: a stop waiting there would keep every other session's onClose from running. */
    @Test
    void stopFromAListenerOnAOneThreadApplicationExecutorDoesNotWaitForItself() throws Exception {
        applicationExecutor = Executors.newSingleThreadExecutor();
        stopFromAListener(o -> o.handlerExecutor(applicationExecutor));
    }

    private void stopFromAListener(UnaryOperator<WindsockOptions.Builder> options) throws Exception {
        start(o -> options.apply(o).shutdownTimeout(LONG_TIMEOUT));
        Client a = Client.connect(http, server.port(), "a");
        Client b = Client.connect(http, server.port(), "b");
        Await.until(() -> calls.contains("a hello") && calls.contains("b hello"), WAIT, calls::toString);
        long start = System.nanoTime();
        a.send("stop");
        Await.until(() -> calls.contains("a stop returned"), WAIT, calls::toString);
        server.stop(); // a later stop waits for the first
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < LONG_TIMEOUT.toMillis() / 2, "the stop took " + tookMs + " ms: it waited for itself");
        assertTrue(calls.contains("b closed: server shutting down"), calls.toString());
        List<String> ofA = calls.stream().filter(c -> c.startsWith("a ")).toList();
        assertEquals(List.of("a hello", "a stop", "a stop returned", "a closed: server shutting down"), ofA);
        a.closed.get(10, TimeUnit.SECONDS);
        b.closed.get(10, TimeUnit.SECONDS);
    }

    /** A WebSocket client of the raw server: its text messages, and its close. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        /** Connects, waits for the OPEN packet, and sends {@code name} as its first message. */
        static Client connect(HttpClient http, int port, String name) throws Exception {
            Client client = new Client();
            client.ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + PATH + "?EIO=4&transport=websocket"), client)
                    .get(10, TimeUnit.SECONDS);
            String open = client.received.poll(10, TimeUnit.SECONDS);
            assertTrue(open != null && open.startsWith("0{"), "OPEN packet: " + open);
            client.send(name);
            return client;
        }

        void send(String message) throws Exception {
            ws.sendText("4" + message, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
