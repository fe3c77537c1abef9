package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.sio1.Sio1TestRoute;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An event loop that dies of an error (as Netty's io_uring loop can: an exception out of its I/O
 * pass ends the thread, and from then on the loop refuses every task): its sessions are closed at
 * once, and the server's stop does not throw half-way, leaving its threads behind. Simulated by an
 * I/O handler that throws once told to.
 */
class DeadEventLoopTest {
    private static final List<NettyTransport> NIO = List.of(NettyTransport.NIO);

    private final AtomicReference<String> closed = new AtomicReference<>();
    private final CountDownLatch closedOnce = new CountDownLatch(1);
    private final AtomicReference<String> legacyClosed = new AtomicReference<>();
    private final CountDownLatch legacyClosedOnce = new CountDownLatch(1);
    private final EngineServer engine;
    /** Socket.IO 0.9 beside Engine.IO: its sessions live on the network loops too. */
    private final Sio1TestRoute legacy = Sio1TestRoute.keepingCloseReason("/engine.io/", legacyClosed, legacyClosedOnce);
    private final TransportConfig config;

    DeadEventLoopTest() {
        HttpServerSettings settings = new HttpServerSettings(Duration.ofSeconds(60), Duration.ofSeconds(300),
                Duration.ofSeconds(5), Integer.MAX_VALUE, null, true, NIO);
        config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null, settings, legacy.route());
        engine = new EngineServer(config.engine(), session -> session.setHandler(new CloseReasonHandler(closed, closedOnce)));
    }

    /**
     * Starts a server with one network loop, opens a polling session and a 0.9 one, then has
     * {@code dying} kill its loops.
     */
    private HttpServer serverWhoseLoopsDie(Dying dying) throws Exception {
        HttpServer server = new HttpServer(config, engine, Set.of(NettyTransport.NIO)::contains, dying::wrap);
        int port = server.start("127.0.0.1", 0, 1).getPort();
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, get(http, port, "/engine.io/?EIO=4&transport=polling").statusCode());
        assertEquals(200, get(http, port, "/engine.io/1/").statusCode());
        assertEquals(1, engine.sessions().size());
        assertEquals(1, legacy.sessions().sessionCount());
        dying.now = true;
        // A connection wakes both loops: the accepting one, then the one it hands the connection to.
        try (Socket wake = new Socket()) {
            wake.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            assertTrue(dying.destroyed.await(10, TimeUnit.SECONDS), "the loops died and ended");
        }
        return server;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSessionsOfALoopThatDiesAreClosedAtOnce() throws Exception {
        HttpServer server = serverWhoseLoopsDie(new Dying(1, "windsock-io"));
        try {
            assertTrue(closedOnce.await(10, TimeUnit.SECONDS), "closed without waiting for a stop");
            assertEquals("transport error", closed.get());
            assertTrue(engine.sessions().isEmpty());
            // Was left open until the stop: 0.9 sessions were not the watcher's.
            assertTrue(legacyClosedOnce.await(10, TimeUnit.SECONDS), "the 0.9 session closed without a stop");
            assertEquals("transport error", legacyClosed.get());
            assertEquals(0, legacy.sessions().sessionCount(), "removed at once: its expiry would run on the dead loop");
        } finally {
            server.stop();
        }
    }

    @Test
    void aServerWhoseLoopsAllDiedStillStops() throws Exception {
        HttpServer server = serverWhoseLoopsDie(new Dying(2, "windsock-"));
        server.stop(); // threw RejectedExecutionException: the dead accepting loop refused to close its socket
        assertTrue(closedOnce.await(10, TimeUnit.SECONDS));
        assertTrue(engine.sessions().isEmpty());
        assertTrue(legacyClosedOnce.await(10, TimeUnit.SECONDS));
        assertEquals(0, legacy.sessions().sessionCount());
    }

    /**
     * Wraps the loops' I/O handlers: once {@link #now} is set, those of the threads named with the
     * given prefix throw at their next I/O pass.
     */
    private static final class Dying {
        final CountDownLatch destroyed;
        final String threads;
        volatile boolean now;

        Dying(int loops, String threads) {
            this.destroyed = new CountDownLatch(loops);
            this.threads = threads;
        }

        IoHandlerFactory wrap(IoHandlerFactory real) {
            return executor -> {
                IoHandler handler = real.newHandler(executor);
                return new IoHandler() {
                    @Override
                    public void initialize() {
                        handler.initialize();
                    }

                    @Override
                    public int run(IoHandlerContext context) {
                        if (now && Thread.currentThread().getName().startsWith(threads)) {
                            throw new IllegalStateException("simulated death of an event loop");
                        }
                        return handler.run(context);
                    }

                    @Override
                    public void prepareToDestroy() {
                        handler.prepareToDestroy();
                    }

                    @Override
                    public void destroy() {
                        // Called once the loop refuses new tasks, just before it terminates.
                        handler.destroy();
                        if (now) {
                            destroyed.countDown();
                        }
                    }

                    @Override
                    public IoRegistration register(IoHandle handle) throws Exception {
                        return handler.register(handle);
                    }

                    @Override
                    public void wakeup() {
                        handler.wakeup();
                    }

                    @Override
                    public boolean isCompatible(Class<? extends IoHandle> handleType) {
                        return handler.isCompatible(handleType);
                    }
                };
            };
        }
    }
}
