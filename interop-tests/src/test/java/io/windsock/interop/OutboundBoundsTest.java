package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.Transport;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outbound bounds on long-polling, on a server with two event loops and the real handler pool: a
 * client that does not poll, or polls too seldom, is dropped at {@code maxPendingOutboundBytes};
 * no poll response is larger than {@code maxPollResponseBytes}, and the real client still gets every
 * event once and in order.
 */
class OutboundBoundsTest {
    private static final char SEPARATOR = '\u001e';

    @RegisterExtension
    final Interop interop = new Interop();

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void aPollingClientThatNeverPollsIsDroppedAtTheBound() {
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        AtomicInteger emitted = new AtomicInteger();
        Windsock server = server(EngineOptions.builder().maxPendingOutboundBytes(1024 * 1024).build());
        String chunk = "x".repeat(10_000);
        server.of("/").onConnection(socket -> {
            if (!isRaw(socket)) {
                return;
            }
            socket.onDisconnect(reasons::put);
            for (int i = 0; i < 3_000 && socket.isConnected(); i++) {
                socket.emit("flood", chunk);  // 30 MB in all; refused past the bound, never queued
                emitted.incrementAndGet();
            }
        });

        String sid = rawConnect(server);  // then never polls again
        assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take());
        RawHttp.Response next = RawHttp.request(server.port(), "GET", pollTarget(sid), null);
        assertEquals(400, next.status(), "the dropped session is gone, with what it held (" + next.body().length()
                + " characters answered)");
        assertServesAPollingClient(server);
    }

    @Test
    void aClientThatPollsOnlyToAnswerPingsIsDroppedAtTheBound() {
        int cap = 32 * 1024;
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        Windsock server = server(EngineOptions.builder().maxPendingOutboundBytes(512 * 1024).maxPollResponseBytes(cap)
                .pingInterval(Duration.ofMillis(500)).pingTimeout(Duration.ofSeconds(10)).build());
        String oneKb = "y".repeat(1_000);
        server.of("/").onConnection(socket -> {
            if (!isRaw(socket)) {
                return;
            }
            AtomicReference<ScheduledFuture<?>> emitter = new AtomicReference<>();
            socket.onDisconnect(reason -> {
                ScheduledFuture<?> running = emitter.get();
                if (running != null) {
                    running.cancel(false);
                }
                reasons.put(reason);
            });
            // 400 KB/s, steadily, from a thread that is not the socket's.
            emitter.set(timers.scheduleAtFixedRate(() -> {
                for (int i = 0; i < 20; i++) {
                    socket.emit("tick", oneKb);
                }
            }, 0, 50, TimeUnit.MILLISECONDS));
        });

        String sid = rawConnect(server);
        AtomicInteger largest = new AtomicInteger();
        AtomicInteger pongs = new AtomicInteger();
        // 4 polls a second, each answered with at most 32 KB: 128 KB/s, and every ping answered.
        ScheduledFuture<?> poller = timers.scheduleWithFixedDelay(() -> {
            RawHttp.Response response = RawHttp.request(server.port(), "GET", pollTarget(sid), null);
            if (response.status() != 200) {
                throw new IllegalStateException("stop polling: " + response.status());
            }
            List<String> packets = Arrays.asList(response.body().split(String.valueOf(SEPARATOR)));
            largest.accumulateAndGet(response.body().getBytes(StandardCharsets.UTF_8).length, Math::max);
            if (packets.contains("2")) {
                RawHttp.request(server.port(), "POST", pollTarget(sid), "3");
                pongs.incrementAndGet();
            }
        }, 250, 250, TimeUnit.MILLISECONDS);

        assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take(Duration.ofSeconds(30)),
                "dropped at the bound (" + pongs.get() + " pings answered)");
        poller.cancel(false);
        // Every packet here is 1 KB, so no response may go over the cap.
        assertTrue(largest.get() > 0 && largest.get() <= cap, "the largest response held " + largest.get() + " bytes");
        assertServesAPollingClient(server);
    }

    @Test
    void pollResponsesTheClientDoesNotReadCountAndAreDroppedWithIt() throws Exception {
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        Mailbox<Socket> joined = interop.mailbox("joined");
        Windsock server = server(EngineOptions.builder().maxPendingOutboundBytes(8L * 1024 * 1024)
                .maxPollResponseBytes(4 * 1024 * 1024).build());
        server.of("/").onConnection(socket -> {
            if (isRaw(socket)) {
                socket.onDisconnect(reasons::put);
                joined.put(socket);
            }
        });
        String sid = rawConnect(server);
        Socket socket = joined.take();
        assertEquals(200, RawHttp.request(server.port(), "GET", pollTarget(sid), null).status());  // the CONNECT reply

        // Each poll is answered with 3 MB that the client never reads, on a connection of its own.
        String threeMb = "b".repeat(3_000_000);
        List<java.net.Socket> unread = new java.util.ArrayList<>();
        try {
            // Until the drop: 3 unread responses of 3 MB are more than 8 MiB, even after the kernel's buffers.
            for (int i = 0; i < 6 && socket.isConnected(); i++) {
                java.net.Socket connection = new java.net.Socket();
                connection.setReceiveBufferSize(4096);
                connection.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
                connection.setSoTimeout((int) Mailbox.DEFAULT_TIMEOUT.toMillis());
                connection.getOutputStream().write(("GET " + pollTarget(sid) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.emit("big", threeMb);
                if (!readStatusLine(connection).startsWith("HTTP/1.1 200")) {
                    connection.close();
                    break;  // dropped: this poll found no session
                }
                unread.add(connection);
            }
            assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take(), "the unread responses count");
            assertTrue(unread.size() >= 2 && unread.size() < 6, unread.size() + " responses before the drop");
            for (java.net.Socket connection : unread) {
                assertTrue(endsWithinTimeout(connection), "a dropped client's unread response is let go");
            }
        } finally {
            for (java.net.Socket connection : unread) {
                connection.close();
            }
        }
        assertServesAPollingClient(server);
    }

    @Test
    void aBroadcastLargerThanTheBoundIsRefusedForAPollingClientThatDoesNotPoll() {
        Mailbox<DisconnectReason> reasons = interop.mailbox("disconnect reasons");
        Mailbox<Socket> joined = interop.mailbox("joined");
        Windsock server = server(EngineOptions.DEFAULT);  // 16 MiB held at most
        server.of("/").onConnection(socket -> {
            if (isRaw(socket)) {
                socket.onDisconnect(reasons::put);
                socket.join("downloads");
                joined.put(socket);
            }
        });
        rawConnect(server);
        joined.take();

        server.of("/").to("downloads").emit("file", "z".repeat(50 * 1024 * 1024));
        assertEquals(DisconnectReason.TRANSPORT_ERROR, reasons.take(), "refused, not queued for a client that cannot take it");
        assertServesAPollingClient(server);
    }

    @Test
    void aPollAnswersAtMostTheCapAndTheRestFollowsInOrder() {
        Mailbox<Integer> emitted = interop.mailbox("emitted");
        // The default cap (maxHttpBufferSize, 1,000,000 bytes), with room for the whole 30 MB backlog.
        Windsock server = server(EngineOptions.builder().maxPendingOutboundBytes(64L * 1024 * 1024).build());
        String chunk = "x".repeat(10_000);
        server.of("/").onConnection(socket -> {
            if (isRaw(socket)) {
                for (int i = 0; i < 3_000; i++) {
                    socket.emit("n", i, chunk);
                }
                emitted.put(3_000);
            }
        });
        String sid = rawConnect(server);
        emitted.take();  // everything is queued before the first poll

        int next = 0;
        int largest = 0;
        while (next < 3_000) {
            RawHttp.Response response = RawHttp.request(server.port(), "GET", pollTarget(sid), null);
            assertEquals(200, response.status());
            largest = Math.max(largest, response.body().getBytes(StandardCharsets.UTF_8).length);
            for (String packet : response.body().split(String.valueOf(SEPARATOR))) {
                if (packet.startsWith("42")) {
                    assertEquals(next, Json.parse(packet.substring(2)).get(1).asInt(), "in order, once each");
                    next++;
                }
            }
        }
        assertTrue(largest <= 1_000_000, "a poll response of " + largest + " bytes");
    }

    @Test
    void theRealClientGetsEveryEventInOrderAcrossCappedPollResponses() {
        Windsock server = server(EngineOptions.builder().maxPollResponseBytes(64 * 1024).build());
        String fiveKb = "e".repeat(5_000);
        server.of("/").onConnection(socket -> socket.on("go", (args, ack) -> {
            for (int i = 0; i < 2_000; i++) {
                socket.emit("n", i, fiveKb);
            }
            // Two 40 KB attachments per event: an event and its attachments span responses.
            for (int i = 0; i < 20; i++) {
                byte[] first = new byte[40_000];
                byte[] second = new byte[40_000];
                Arrays.fill(first, (byte) i);
                Arrays.fill(second, (byte) -i);
                socket.emit("files", i, first, second);
            }
            ack.send("sent");
        }));
        ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.POLLING.clientOptions());
        client.expectConnect();

        int seq = client.emitWithAckLater("go", null);
        for (int i = 0; i < 2_000; i++) {
            ClientEvent event = client.expectEvent("n");
            assertEquals(i, event.arg(0).asInt());
            assertEquals(fiveKb, event.arg(1).asText());
        }
        for (int i = 0; i < 20; i++) {
            ClientEvent event = client.expectEvent("files");
            assertEquals(i, event.arg(0).asInt());
            byte[] first = new byte[40_000];
            byte[] second = new byte[40_000];
            Arrays.fill(first, (byte) i);
            Arrays.fill(second, (byte) -i);
            assertArrayEquals(first, Json.bytes(event.arg(1)));
            assertArrayEquals(second, Json.bytes(event.arg(2)));
        }
        assertEquals("sent", client.expectAck(seq).arg(0).asText());
        assertEquals("polling", client.transport());
    }

    // ---- helpers ----

    private Windsock server(EngineOptions engine) {
        return interop.server(o -> o.ioThreads(2).engine(engine));
    }

    private static boolean isRaw(Socket socket) {
        return "raw".equals(socket.handshake().query("client"));
    }

    /** A polling handshake and a CONNECT to the main namespace by hand; returns the session id. */
    private static String rawConnect(Windsock server) {
        RawHttp.Response open = RawHttp.request(server.port(), "GET", "/socket.io/?EIO=4&transport=polling&client=raw",
                null);
        assertEquals(200, open.status());
        String sid = Json.parse(open.body().substring(1)).path("sid").asText();
        RawHttp.Response connect = RawHttp.request(server.port(), "POST", pollTarget(sid), "40");
        assertEquals(200, connect.status());
        return sid;
    }

    private static String readStatusLine(java.net.Socket connection) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = connection.getInputStream().read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Reads what comes until the server closes the connection; false if it is still open at the timeout. */
    private static boolean endsWithinTimeout(java.net.Socket connection) {
        try {
            byte[] buffer = new byte[64 * 1024];
            while (connection.getInputStream().read(buffer) != -1) {
                // what the server had flushed before it closed
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;  // reset
        }
    }

    private static String pollTarget(String sid) {
        return "/socket.io/?EIO=4&transport=polling&client=raw&sid=" + sid;
    }

    /** Another client, on the same transport, connects and has an event answered. */
    private void assertServesAPollingClient(Windsock server) {
        server.of("/").onConnection(socket -> socket.on("ping?", (args, ack) -> ack.send("pong")));
        ClientSocket other = interop.client().connect(interop.url(server, "/"), Transport.POLLING.clientOptions());
        other.expectConnect();
        assertEquals("pong", other.emitWithAck("ping?").arg(0).asText());
    }
}
