package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stop()} in stages: busy handlers finish, every socket closes once, nothing throws, from any thread. */
class ShutdownTest {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final Interop interop = new Interop();

    @RepeatedTest(3)
    void stopLetsBusyHandlersFinishAndClosesEverySocket() throws Exception {
        Mailbox<Throwable> errors = interop.mailbox("errors");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        List<CompletableFuture<List<Object>>> lateAcks = new CopyOnWriteArrayList<>();
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        Windsock server = interop.server(o -> o.ioThreads(2).shutdownTimeout(STOP_TIMEOUT)
                .errorHandler((socket, event, error) -> errors.put(error)));
        server.of("/").onConnection(socket -> {
            sockets.add(socket);
            socket.on("work", (args, ack) -> {
                started.countDown();
                InboundFlowControlTest.await(release);
                handled.incrementAndGet();
                socket.emit("done", args.get(0));                                       // dropped: the socket left
                lateAcks.add(socket.emitWithAck(Duration.ofSeconds(1), "more"));       // fails, does not throw
            });
            socket.onDisconnect(reasons::put);
        });
        List<RawSocketIo> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawSocketIo client = RawSocketIo.connect(server.port());
            clients.add(client);
            client.sendAll(List.of("42[\"work\",1]", "42[\"work\",2]", "42[\"work\",3]"));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        InboundFlowControlTest.awaitTrue(() -> server.stats().queuedEvents() == 9,
                "the nine events did not all arrive"); // arrived: running or queued behind a busy handler

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        InboundFlowControlTest.awaitTrue(() -> sockets.size() == 3 && sockets.stream().noneMatch(Socket::isConnected),
                "the sockets were not closed at the start of the stop");
        release.countDown();
        stopping.get(STOP_TIMEOUT.plusSeconds(10).toSeconds(), TimeUnit.SECONDS);

        assertEquals(9, handled.get(), "every event that arrived before the stop was handled");
        for (int i = 0; i < 3; i++) {
            assertEquals(DisconnectReason.SERVER_SHUTTING_DOWN, reasons.take());
        }
        for (RawSocketIo client : clients) {
            // As Node's io.close(): no Socket.IO DISCONNECT, the connection closes (the client reconnects).
            assertEquals(RawSocketIo.CLOSED, client.next());
            client.close();
        }
        assertEquals(18, server.stats().droppedAfterClose(), "9 emits and 9 emits with ack dropped");
        for (CompletableFuture<List<Object>> ack : lateAcks) {
            assertTrue(ack.isCompletedExceptionally());
        }
        server.stop(); // twice: returns at once
        assertThrows(IllegalStateException.class, server::start, "a stopped server does not restart");
    }

    @Test
    void stopFromAHandlerThreadDoesNotWaitForItself() throws Exception {
        assertStopFromHandler(interop.server(o -> o.ioThreads(2)));
    }

    @Test
    void stopFromAnEventLoopThreadNeitherThrowsNorBlocks() throws Exception {
        assertStopFromHandler(interop.server(o -> o.ioThreads(2).handlerExecutor(Runnable::run)));
    }

    private void assertStopFromHandler(Windsock server) throws Exception {
        Mailbox<String> stopCalls = interop.mailbox("stop calls");
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        server.of("/").onConnection(socket -> {
            socket.on("stop", (args, ack) -> {
                try {
                    server.stop();
                    stopCalls.put("returned");
                } catch (RuntimeException e) {
                    stopCalls.put("threw " + e);
                }
            });
            socket.onDisconnect(reasons::put);
        });
        try (RawSocketIo client = RawSocketIo.connect(server.port())) {
            client.send("42[\"stop\"]");
            assertEquals("returned", stopCalls.take());
            assertEquals(DisconnectReason.SERVER_SHUTTING_DOWN, reasons.take());
            assertEquals(RawSocketIo.CLOSED, client.next());
        }
        CompletableFuture.runAsync(server::stop).get(STOP_TIMEOUT.plusSeconds(10).toSeconds(), TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, server::start);
    }
}
