package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Handshake;
import io.windsock.server.Rejection;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection class whose {@code onOpen} accepted always gets its {@code onClose}, once, also when
 * its socket leaves without ever connecting: the client drops while {@code onOpen} runs, the connect
 * timeout fires meanwhile, or a middleware after it refuses. (TornadIO2 pairs every accepted
 * {@code on_open} with {@code on_close}; Node pairs {@code connection} with {@code disconnect}.)
 * A real server: sessions on two network threads, hooks on the default handler pool, a real WebSocket client.
 */
class ConnectionClassLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();
    /** What the hooks did, in order, from the handler threads. */
    private final BlockingQueue<String> hooks = new LinkedBlockingQueue<>();
    private Windsock server;

    /** Its onOpen reports, then waits until its socket has left (a slow auth lookup the client does not wait for). */
    public static class OutwaitedOpen extends SocketConnection {
        private final BlockingQueue<String> hooks;

        OutwaitedOpen(BlockingQueue<String> hooks) {
            this.hooks = hooks;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            hooks.add("open");
            SocketImpl socket = (SocketImpl) socket();
            Await.until(socket::hasLeft, WAIT, () -> "the socket to leave while onOpen runs");
            return true;
        }

        @Override
        protected void onClose(io.windsock.server.DisconnectReason reason) {
            hooks.add("close " + reason.wire());
        }
    }

    /** Answers at once. */
    public static class QuickOpen extends SocketConnection {
        private final BlockingQueue<String> hooks;
        private final boolean accept;

        QuickOpen(BlockingQueue<String> hooks, boolean accept) {
            this.hooks = hooks;
            this.accept = accept;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            hooks.add("open");
            return accept;
        }

        @Override
        protected void onClose(io.windsock.server.DisconnectReason reason) {
            hooks.add("close " + reason.wire());
        }
    }

    private void start(WindsockOptions.Builder options, java.util.function.Supplier<? extends SocketConnection> factory) {
        server = Windsock.builder()
                .options(options.host("127.0.0.1").port(0).ioThreads(2).build())
                .connections("/", factory)
                .build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private String next() throws InterruptedException {
        String hook = hooks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(hook, "no further hook within " + WAIT.toMillis() + " ms");
        return hook;
    }

    /** Stops the server (which waits for every onClose), then returns every hook that ran. */
    private List<String> allAfterStop(List<String> seen) {
        server.stop();
        List<String> all = new ArrayList<>(seen);
        hooks.drainTo(all);
        return all;
    }

    @Test
    void aClientDroppingWhileOnOpenRunsGetsOnClose() throws Exception {
        start(WindsockOptions.builder(), () -> new OutwaitedOpen(hooks));
        server.start();
        V4TestClient client = V4TestClient.open(http, server.port(), null, packet -> { });
        String open = next();
        client.close();
        String close = next();
        assertEquals(List.of("open", "close transport close"), allAfterStop(List.of(open, close)), "once");
    }

    @Test
    void theConnectTimeoutFiringWhileOnOpenRunsGetsOnClose() throws Exception {
        start(WindsockOptions.builder().connectTimeout(Duration.ofMillis(200)), () -> new OutwaitedOpen(hooks));
        server.start();
        V4TestClient.open(http, server.port(), null, packet -> { });
        String open = next();
        String close = next();
        assertEquals(List.of("open", "close forced server close"), allAfterStop(List.of(open, close)), "once");
    }

    @Test
    void aLaterMiddlewareRefusingGetsOnCloseWithTheServersDisconnect() throws Exception {
        start(WindsockOptions.builder(), () -> new QuickOpen(hooks, true));
        server.of("/").use(socket -> {
            throw new Rejection("not today");
        });
        server.start();
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient.open(http, server.port(), null, packets::add);
        assertEquals("44{\"message\":\"not today\"}", packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        String open = next();
        String close = next();
        assertEquals(List.of("open", "close server namespace disconnect"), allAfterStop(List.of(open, close)), "once");
        assertTrue(packets.isEmpty(), packets::toString);
    }

    @Test
    void onOpenRefusingGetsNoOnClose() throws Exception {
        start(WindsockOptions.builder(), () -> new QuickOpen(hooks, false));
        server.start();
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient.open(http, server.port(), null, packets::add);
        assertEquals("44{\"message\":\"connection refused\"}", packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(List.of("open"), allAfterStop(List.of(next())));
    }
}
