package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that recovers while {@code onClose} of the socket it replaces still runs (handlers on the
 * default pool, sessions on two network threads): the recovery waits for that close, then gets the
 * instance it kept, as in Node, where the close is synchronous and a recovery always follows it.
 */
class RecoveryDuringCloseTest {
    private static final Pattern PID = Pattern.compile("\"pid\":\"([^\"]+)\"");
    private static final Pattern TICK = Pattern.compile("42\\[\"tick\",\"([^\"]+)\"]");

    private final List<Counter> instances = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    public static class Counter extends SocketConnection {
        final List<String> log = new CopyOnWriteArrayList<>();
        final CountDownLatch closing;
        final CountDownLatch release;
        int count;

        Counter(CountDownLatch closing, CountDownLatch release) {
            this.closing = closing;
            this.release = release;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            log.add("open recovered=" + socket().recovered());
            return true;
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            log.add("close " + reason.wire());
            if (log.size() == 2) { // the first close only: a slow cleanup
                closing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Event
        public int increment() {
            return ++count;
        }
    }

    @Test
    void aRecoveryWaitsForTheCloseItFollowsAndGetsItsInstance() throws Exception {
        CompletableFuture<Namespace> main = new CompletableFuture<>();
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .connectionStateRecovery(ConnectionStateRecovery.defaults()).build())
                .namespace("/", ns -> {
                    Connections.serve(ns, Counter.class, () -> {
                        Counter c = new Counter(closing, release);
                        instances.add(c);
                        return c;
                    });
                    main.complete(ns);
                })
                .build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            BlockingQueue<String> first = new LinkedBlockingQueue<>();
            V4TestClient client = V4TestClient.connect(http, server.port(), first::add);
            Matcher pid = PID.matcher(client.joined().get());
            assertTrue(pid.find(), client.joined().get());
            main.get(10, TimeUnit.SECONDS).emit("tick"); // a broadcast: it carries the offset to recover from
            Matcher tick = TICK.matcher(first.poll(10, TimeUnit.SECONDS));
            assertTrue(tick.matches(), tick::toString);
            client.send("421[\"increment\"]");
            assertEquals("431[1]", first.poll(10, TimeUnit.SECONDS));

            client.close(); // transport close: recoverable; onClose then blocks
            assertTrue(closing.await(10, TimeUnit.SECONDS));
            BlockingQueue<String> second = new LinkedBlockingQueue<>();
            V4TestClient again = V4TestClient.open(http, server.port(),
                    "{\"pid\":\"" + pid.group(1) + "\",\"offset\":\"" + tick.group(1) + "\"}", second::add);
            assertThrows(TimeoutException.class, () -> again.joined().get(500, TimeUnit.MILLISECONDS),
                    "no CONNECT reply while the close it follows still runs");
            release.countDown();

            assertTrue(again.joined().get(10, TimeUnit.SECONDS).contains("\"pid\""));
            again.send("422[\"increment\"]");
            assertEquals("432[2]", second.poll(10, TimeUnit.SECONDS), "the kept instance answers, its field intact");
            assertEquals(1, instances.size(), "no new instance");
            assertEquals(List.of("open recovered=false", "close transport close", "open recovered=true"), instances.get(0).log);
            assertFalse(second.contains("1"), "the recovered socket stays connected");
        } finally {
            release.countDown();
            server.stop();
        }
    }
}
