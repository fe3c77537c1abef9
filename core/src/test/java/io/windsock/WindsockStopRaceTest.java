package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A CONNECT that races {@link Windsock#stop(Duration)}: read on the network thread while the stop's
 * close of its connection is still queued there, it gets no socket. Before, only the connection's
 * closed flag was checked, so a socket was counted after the stop's wait for the sockets had seen
 * none left: its middlewares, connection and disconnect listeners ran while the stop went on (with an
 * application's executor, after it returned).
 *
 * <p>Deterministic: the test holds the network thread just before the socket is counted, until the
 * stop has passed its wait and is ending the network threads. Real threads: two event loops and the
 * default handler pool, which the stop ends and waits for, so what the old code let run has run when
 * the stop returns.
 */
class WindsockStopRaceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private Windsock server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aConnectReadAfterTheStopsWaitGetsNoSocket() throws Exception {
        server = Windsock.builder().options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2)
                .shutdownTimeout(WAIT).build()).build();
        server.of("/").use(socket -> calls.add("middleware"));
        server.of("/").onConnection(socket -> {
            calls.add("connect");
            socket.onDisconnect(reason -> calls.add("disconnect: " + reason));
        });
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        server.socketLayer().beforeSocketCounted = () -> {
            if (first.getAndSet(false)) {
                held.countDown();
                // The stop shuts the event loops down only once its wait for the sockets has returned.
                EventExecutor loop = ThreadExecutorMap.currentExecutor();
                Await.until(loop::isShuttingDown, WAIT, () -> "the stop never ended the network threads");
            }
        };
        server.start();

        V4TestClient.open(HttpClient.newHttpClient(), server.port(), null, packet -> { });
        assertTrue(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the CONNECT never reached the server");

        server.stop();

        // Never counted, so never made: nothing of it could outlive the stop's wait.
        assertEquals(0, server.stats().peakSockets(), "a socket was counted after the stop's wait");
        assertEquals(0, server.stats().sockets());
        assertEquals(List.of(), calls);
    }
}
