package io.windsock.interop.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.WsClient;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The polling→WebSocket upgrade of a busy session, with the real handler pool and several event loops
 * (the WebSocket usually arrives on another loop than the session's): what either side sends while
 * the probe runs is neither lost nor reordered.
 */
class UpgradeOrderingTest {
    private static final String TEXT = "Content-Type: text/plain;charset=UTF-8";
    private static final int EMITTERS = 3;
    private static final int ROUNDS = 20;

    @RegisterExtension
    final Interop interop = new Interop();

    /**
     * Three threads emit numbered events on the socket throughout; the client polls and POSTs numbered
     * events, then upgrades as engine.io-client does (probe while a poll waits and a POST is on its
     * way, UPGRADE once both are answered) and goes on over the WebSocket. Each thread's numbers
     * arrive all and in order across the polls and the WebSocket, and so do the client's at the server.
     * Engine.IO v4 (socket.io-client 3/4) and v3 (socket.io-client 2.x) upgrade alike.
     */
    @ParameterizedTest(name = "EIO={0}")
    @ValueSource(ints = {4, 3})
    void eventsBothWaysKeepTheirOrderAcrossTheUpgrade(int eio) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> sockets = interop.mailbox("sockets");
        for (int round = 0; round < ROUNDS; round++) {
            upgradeWhileBusy(server, sockets, round, eio);
        }
    }

    private void upgradeWhileBusy(Windsock server, Mailbox<Socket> sockets, int round, int eio) {
        String polling = "/socket.io/?EIO=" + eio + "&transport=polling";
        String websocket = "/socket.io/?EIO=" + eio + "&transport=websocket";
        List<Integer> fromClient = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch clientDone = new CountDownLatch(1);
        server.of("/r" + round).onConnection(socket -> {
            socket.on("c", (args, ack) -> {
                int n = ((Number) args.get(0)).intValue();
                if (n < 0) {
                    clientDone.countDown();
                } else {
                    fromClient.add(n);
                }
            });
            sockets.put(socket);
        });
        int port = server.port();
        String nsp = "/r" + round;
        List<String> open = payload(eio, RawHttp.request(port, "GET", polling, null).body());
        String sid = Json.parse(open.get(0).substring(1)).get("sid").asText();
        String session = polling + "&sid=" + sid;
        assertEquals("ok", RawHttp.request(port, "POST", session, payload(eio, List.of("40" + nsp + ",")), TEXT).body());
        List<String> packets = new ArrayList<>();
        while (packets.stream().noneMatch(p -> p.startsWith("40" + nsp))) { // v3: "40" for "/" may come first
            packets.addAll(payload(eio, RawHttp.request(port, "GET", session, null).body()));
        }
        Socket socket = sockets.take();

        AtomicBoolean stop = new AtomicBoolean();
        int[] lastSent = new int[EMITTERS]; // read after stopped.await()
        CountDownLatch stopped = new CountDownLatch(EMITTERS);
        for (int t = 0; t < EMITTERS; t++) {
            int emitter = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int n = 0; !stop.get(); n++) {
                        socket.emit("n", emitter, n);
                        lastSent[emitter] = n;
                        LockSupport.parkNanos(300_000); // pacing
                    }
                } finally {
                    stopped.countDown();
                }
            }, "emitter-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        int[] sent = {0};
        for (int cycle = 0; cycle < 3; cycle++) {
            CompletableFuture<RawHttp.Response> poll = RawHttp.requestAsync(port, "GET", session, null);
            assertEquals("ok", RawHttp.request(port, "POST", session, payload(eio, events(nsp, sent, 5)), TEXT).body());
            packets.addAll(payload(eio, RawHttp.await(poll).body()));
        }
        CompletableFuture<RawHttp.Response> poll = RawHttp.requestAsync(port, "GET", session, null);
        try (WsClient ws = WsClient.open(port, websocket + "&sid=" + sid)) {
            ws.sendText("2probe");
            CompletableFuture<RawHttp.Response> post = RawHttp.requestAsync(port, "POST", session, payload(eio, events(nsp, sent, 5)), TEXT);
            assertEquals("3probe", ws.texts().take());
            packets.addAll(payload(eio, RawHttp.await(poll).body()));
            assertEquals("ok", RawHttp.await(post).body());
            ws.sendText("5");
            for (int i = 0; i < 20; i++) {
                ws.sendText("42" + nsp + ",[\"c\"," + sent[0]++ + "]");
            }
            ws.sendText("42" + nsp + ",[\"c\",-1]");
            await(clientDone);
            stop.set(true);
            await(stopped);
            List<List<Integer>> received = new ArrayList<>();
            for (int t = 0; t < EMITTERS; t++) {
                received.add(new ArrayList<>());
            }
            packets.forEach(packet -> record(packet, nsp, received));
            while (!NumberedStreams.allArrived(received, lastSent)) {
                String frame = ws.texts().take();
                if (!frame.equals("2")) {
                    record(frame, nsp, received);
                }
            }
            for (int t = 0; t < EMITTERS; t++) {
                NumberedStreams.assertInOrder("round " + round + ", emitter " + t, received.get(t));
            }
            NumberedStreams.assertInOrder("round " + round + ", from the client", fromClient);
            assertEquals(sent[0], fromClient.size());
        }
    }

    /** {@code count} numbered client events. */
    private static List<String> events(String nsp, int[] sent, int count) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add("42" + nsp + ",[\"c\"," + sent[0]++ + "]");
        }
        return events;
    }

    /** Encodes a text payload: v4 separates packets with 0x1e, v3 prefixes each with its length and a colon. */
    private static String payload(int eio, List<String> packets) {
        if (eio == 4) {
            return String.join("\u001e", packets);
        }
        StringBuilder body = new StringBuilder();
        packets.forEach(packet -> body.append(packet.length()).append(':').append(packet));
        return body.toString();
    }

    /** Decodes a text payload (the packets here are ASCII, so lengths in chars are the reference's). */
    private static List<String> payload(int eio, String body) {
        if (eio == 4) {
            return List.of(body.split("\u001e"));
        }
        List<String> packets = new ArrayList<>();
        for (int at = 0; at < body.length(); ) {
            int colon = body.indexOf(':', at);
            int length = Integer.parseInt(body.substring(at, colon));
            packets.add(body.substring(colon + 1, colon + 1 + length));
            at = colon + 1 + length;
        }
        return packets;
    }

    private static void record(String packet, String nsp, List<List<Integer>> received) {
        String prefix = "42" + nsp + ",";
        if (packet.startsWith(prefix)) {
            JsonNode event = Json.parse(packet.substring(prefix.length()));
            received.get(event.get(1).asInt()).add(event.get(2).asInt());
        } else {
            assertTrue(packet.equals("6") || packet.equals("2") || packet.startsWith("40"), packet); // v3 also gets "40" for "/"
        }
    }



    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(Mailbox.DEFAULT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                    "timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
