package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.engine.EngineSession;
import io.windsock.internal.engine.codec.EnginePacket;
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
 * pass ends the thread, and from then on the loop refuses every task) must not make the server's
 * stop throw half-way, leaving its threads and sessions behind. Simulated by an I/O handler that
 * throws once told to.
 */
class DeadEventLoopTest {
    private static final List<NettyTransport> NIO = List.of(NettyTransport.NIO);

    @Test
    void aServerWhoseEventLoopsDiedStopsAndClosesItsSessions() throws Exception {
        HttpServerSettings settings = new HttpServerSettings(Duration.ofSeconds(60), Duration.ofSeconds(300),
                Duration.ofSeconds(5), Integer.MAX_VALUE, null, true, NIO);
        TransportConfig config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null, settings);
        AtomicReference<String> closed = new AtomicReference<>();
        EngineServer engine = new EngineServer(config.engine(), session -> session.setHandler(new CloseReasonHandler(closed)));
        Dying dying = new Dying(2); // the accepting loop and the one network loop
        HttpServer server = new HttpServer(config, engine, Set.of(NettyTransport.NIO)::contains, dying::wrap);
        int port = server.start("127.0.0.1", 0, 1).getPort();
        HttpResponse<String> open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, open.statusCode());
        assertEquals(1, engine.sessions().size());

        dying.now = true;
        // A connection wakes both loops: the accepting one, then the one it hands the connection to.
        try (Socket wake = new Socket()) {
            wake.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            assertTrue(dying.destroyed.await(10, TimeUnit.SECONDS), "both loops died and ended");
        }

        // What the application sends to that session meanwhile is dropped, never thrown at it, past the
        // outbound bound too (that refusal's close cannot run on the dead loop either).
        EngineSession session = engine.sessions().iterator().next();
        assertTrue(session.send(EnginePacket.message("dropped")));
        assertFalse(session.send(EnginePacket.message("x".repeat(17 * 1024 * 1024))), "refused at the bound");

        server.stop(); // threw RejectedExecutionException: the dead accepting loop refused to close its socket
        assertEquals("server shutting down", closed.get(), "the session on the dead loop was closed all the same");
        assertTrue(engine.sessions().isEmpty());
    }

    /** Wraps the loops' I/O handlers: once {@link #now} is set, each throws at its next I/O pass. */
    private static final class Dying {
        final CountDownLatch destroyed;
        volatile boolean now;

        Dying(int loops) {
            destroyed = new CountDownLatch(loops);
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
                        if (now) {
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
                        destroyed.countDown();
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
