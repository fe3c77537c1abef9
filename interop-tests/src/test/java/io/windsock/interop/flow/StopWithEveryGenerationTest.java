package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.server.BroadcastTimeoutException;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Protocol1Options;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code stop()} with clients of every generation on every transport, each socket's handler blocked,
 * the server waiting for each client's ack and for a broadcast's, a 4.x client waiting for the
 * server's: every client is told at once (4.x and 2.x see "transport close", a 0.9 client loses its
 * transport without being booted: all reconnect, as after Node's {@code io.close()}), not at the ping
 * timeout nor after the blocked handlers; the server's ack waits fail at once; then each socket's
 * disconnect listener runs once, with its reason, on the handler pool, the threads end and the port
 * is free. The real handler pool and two or more network threads.
 */
class StopWithEveryGenerationTest {
    /** Longer than any wait below: a close that waited for the stop's timeout would fail them. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(120);
    private static final int SOCKETS = 6;

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void everyClientIsToldAtOnceAndEverySocketClosesOnce() throws Exception {
        CountDownLatch blocked = new CountDownLatch(SOCKETS);
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<List<Object>>> ownAcks = new CopyOnWriteArrayList<>();
        Map<String, List<String>> closes = new ConcurrentHashMap<>();
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        Windsock server = interop.server(o -> o.ioThreads(Math.max(2, Interop.ioThreads()))
                .shutdownTimeout(SHUTDOWN_TIMEOUT).protocol1(Protocol1Options.builder().build()));
        server.of("/").onConnection(socket -> {
            socket.on("ask me", (args, ack) -> {
                ack.send("asking");
                ownAcks.add(socket.emitWithAck(ACK_TIMEOUT, "ask"));
            });
            socket.on("block", (args, ack) -> {
                handlerThreads.add(Thread.currentThread());
                blocked.countDown();
                InboundFlowControlTest.await(release);
                socket.emit("late"); // the socket left: dropped
            });
            socket.onDisconnect(reason -> {
                handlerThreads.add(Thread.currentThread());
                closes.computeIfAbsent(socket.id(), id -> new CopyOnWriteArrayList<>())
                        .add(reason + " on " + Thread.currentThread().getName());
            });
        });
        String url = interop.url(server, "/");

        NodeClient v4 = interop.client();
        NodeClient v2 = interop.client("scripts/socketio-v2-driver.js");
        List<ClientSocket> v4Clients = List.of(v4.connect(url, Transport.WEBSOCKET.clientOptions()),
                v4.connect(url, Transport.POLLING.clientOptions()));
        List<ClientSocket> v2Clients = List.of(v2.connect(url, Transport.WEBSOCKET.clientOptions()),
                v2.connect(url, Transport.POLLING.clientOptions()));
        List<ClientSocket> clients = new ArrayList<>(v4Clients);
        clients.addAll(v2Clients);
        for (ClientSocket client : clients) {
            client.expectConnect();
            assertEquals("asking", client.emitWithAck("ask me").arg(0).asText());
            client.expectEvent("ask"); // never answered
        }
        Sio09Client old = new Sio09Client(interop);
        List<String> oldClients = List.of("websocket", "xhr-polling");
        for (String transport : oldClients) {
            old.connect(transport, url, transport, false, "ask", "broadcast");
            old.expect(transport, "connect");
            old.expectAck(transport, old.emitWithAck(transport, "ask me"));
            old.expectEvent(transport, "ask");
        }
        CompletableFuture<List<Object>> broadcast = server.of("/").timeout(ACK_TIMEOUT).emitWithAck("broadcast");
        for (ClientSocket client : clients) {
            client.expectEvent("broadcast");
        }
        for (String transport : oldClients) {
            old.expectEvent(transport, "broadcast");
        }
        List<Integer> v4Waits = new ArrayList<>();
        for (ClientSocket client : v4Clients) {
            v4Waits.add(client.emitWithAckLater("block", ACK_TIMEOUT));
        }
        for (ClientSocket client : v2Clients) {
            client.emit("block");
        }
        for (String transport : oldClients) {
            old.emit(transport, "block");
        }
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "every socket's handler is blocked");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        for (int i = 0; i < v4Clients.size(); i++) {
            assertEquals("transport close", v4Clients.get(i).expectDisconnect());
            ClientEvent failed = v4Clients.get(i).expect("ack"); // the client's own wait ends too
            assertEquals(v4Waits.get(i).intValue(), failed.seq());
        }
        for (ClientSocket client : v2Clients) {
            assertEquals("transport close", client.expectDisconnect());
        }
        for (String transport : oldClients) {
            assertTrue(old.expect(transport, "disconnect").get("reason").isNull(), "not booted: " + transport);
        }
        assertEquals(SOCKETS, ownAcks.size());
        for (CompletableFuture<List<Object>> ack : ownAcks) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> ack.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> broadcast.get(10, TimeUnit.SECONDS));
        BroadcastTimeoutException incomplete = assertInstanceOf(BroadcastTimeoutException.class, e.getCause());
        assertTrue(incomplete.getMessage().startsWith("server shutting down: 0 of 6 acks"), incomplete.getMessage());
        // All of it came while every handler was still blocked, so the stop still waits for them.
        assertFalse(stopping.isDone(), "the stop waits for the blocked handlers");
        assertTrue(closes.isEmpty(), "the disconnect listeners wait behind the blocked handlers: " + closes);

        release.countDown();
        stopping.get(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(SOCKETS, closes.size(), "every socket closed, once: " + closes);
        for (List<String> reasons : closes.values()) {
            assertEquals(1, reasons.size(), closes.toString());
            assertTrue(reasons.get(0).startsWith(DisconnectReason.SERVER_SHUTTING_DOWN + " on windsock-handler-"),
                    closes.toString());
        }
        for (Thread thread : handlerThreads) {
            thread.join(10_000);
            assertFalse(thread.isAlive(), thread + " ended");
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            assertFalse(name.startsWith("windsock-io") || name.startsWith("windsock-accept"), thread + " ended");
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", server.port())); // free at once
        }
    }
}
