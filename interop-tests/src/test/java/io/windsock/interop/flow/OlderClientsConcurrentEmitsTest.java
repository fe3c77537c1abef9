package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.server.Protocol1Options;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 0.9 client and a 2.x client (upgrading from polling to WebSocket meanwhile, with binary) get
 * what the server sends at once from its handler, from threads of the application's own and as
 * broadcasts, each sender's packets once and in its order, and both ways of acks complete once: on
 * the real handler pool and several network threads.
 */
class OlderClientsConcurrentEmitsTest {
    private static final int EVENTS = 200;
    private static final int CLIENT_ACKS = 100;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(20);
    private static final byte[] BLOB = {1, 2, (byte) 0xff, 0};

    @RegisterExtension
    final Interop interop = new Interop();

    /**
     * On "go": events "e" [sender, i, extra...] from the handler ("H"), a thread of its own ("A") and
     * broadcasts to the socket's room from another ("C"); a fourth thread asks "q" [i, extra...] with acks.
     */
    private Windsock server(List<CompletableFuture<List<Object>>> serverAcks, Object... extra) {
        Windsock server = interop.server(o -> o.ioThreads(Math.max(2, Interop.ioThreads()))
                .protocol1(Protocol1Options.builder().build()));
        server.of("/").onConnection(socket -> {
            socket.join("room");
            socket.on("echo", (args, ack) -> ack.send(args.get(0), BLOB));
            socket.on("go", (args, ack) -> {
                new Thread(() -> emits(socket, "A", extra)).start();
                new Thread(() -> {
                    for (int i = 0; i < EVENTS; i++) {
                        server.of("/").to("room").emit("e", with(extra, "C", i));
                    }
                }).start();
                new Thread(() -> {
                    for (int i = 0; i < EVENTS; i++) {
                        serverAcks.add(socket.emitWithAck(ACK_TIMEOUT, "q", with(extra, i)));
                    }
                }).start();
                emits(socket, "H", extra);
            });
        });
        return server;
    }

    private static void emits(Socket socket, String sender, Object[] extra) {
        for (int i = 0; i < EVENTS; i++) {
            socket.emit("e", with(extra, sender, i));
        }
    }

    private static Object[] with(Object[] extra, Object... first) {
        Object[] all = new Object[first.length + extra.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(extra, 0, all, first.length, extra.length);
        return all;
    }

    /** Takes the next of sender's events: it must be the one after the last taken. */
    private static void inOrder(Map<String, Integer> next, String sender, int index, Object what) {
        int expected = next.getOrDefault(sender, 0);
        assertEquals(expected, index, sender + ": " + what);
        next.put(sender, expected + 1);
    }

    private static void assertAllAnswered(List<CompletableFuture<List<Object>>> serverAcks, boolean binary)
            throws Exception {
        assertEquals(EVENTS, serverAcks.size());
        for (int i = 0; i < EVENTS; i++) {
            List<Object> answer = serverAcks.get(i).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(i, ((Number) answer.get(0)).intValue());
            if (binary) {
                assertArrayEquals(BLOB, (byte[]) answer.get(1));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void socketIoClient09(String transport) throws Exception {
        List<CompletableFuture<List<Object>>> serverAcks = new CopyOnWriteArrayList<>();
        Windsock server = server(serverAcks);
        Sio09Client client = new Sio09Client(interop);
        client.connect("c", interop.url(server, "/"), transport, false, "e", "q");
        client.expect("c", "connect");
        client.emit("c", "go");
        Map<String, Integer> next = new HashMap<>();
        for (int n = 0; n < 4 * EVENTS; n++) {
            JsonNode event = client.expect("c", "event");
            JsonNode args = event.get("args");
            if ("q".equals(event.get("name").asText())) {
                inOrder(next, "q", args.get(0).asInt(), event);
                client.answer("c", event.get("key").asText(), args.get(0).asInt());
            } else {
                inOrder(next, args.get(0).asText(), args.get(1).asInt(), event);
            }
        }
        assertEquals(Map.of("A", EVENTS, "C", EVENTS, "H", EVENTS, "q", EVENTS), next);
        assertAllAnswered(serverAcks, false);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void socketIoClient2UpgradingMeanwhile(boolean forceBase64) throws Exception {
        List<CompletableFuture<List<Object>>> serverAcks = new CopyOnWriteArrayList<>();
        Windsock server = server(serverAcks, (Object) BLOB);
        Map<String, Object> options = new HashMap<>(Transport.UPGRADE.clientOptions());
        options.put("forceBase64", forceBase64);
        ClientSocket client = interop.client("scripts/socketio-v2-driver.js").connect(interop.url(server, "/"), options);
        client.expectConnect();
        client.emit("go");
        int[] seqs = new int[CLIENT_ACKS];
        for (int i = 0; i < CLIENT_ACKS; i++) {
            seqs[i] = client.emitWithAckLater("echo", null, i);
        }
        Map<String, Integer> next = new HashMap<>();
        int acks = 0;
        for (int n = 0; n < 4 * EVENTS + CLIENT_ACKS; n++) {
            ClientEvent seen = client.next();
            if ("ack".equals(seen.type())) {
                assertEquals(seqs[acks], seen.seq(), seen.toString());
                assertEquals(acks, seen.arg(0).asInt(), seen.toString());
                assertArrayEquals(BLOB, Json.bytes(seen.arg(1)));
                acks++;
            } else if ("q".equals(seen.event())) {
                inOrder(next, "q", seen.arg(0).asInt(), seen);
                assertArrayEquals(BLOB, Json.bytes(seen.arg(1)));
                client.ack(seen, seen.arg(0).asInt(), BLOB);
            } else {
                assertEquals("e", seen.event(), seen.toString());
                inOrder(next, seen.arg(0).asText(), seen.arg(1).asInt(), seen);
                assertArrayEquals(BLOB, Json.bytes(seen.arg(2)));
            }
        }
        assertEquals(Map.of("A", EVENTS, "C", EVENTS, "H", EVENTS, "q", EVENTS), next);
        assertEquals(CLIENT_ACKS, acks);
        assertAllAnswered(serverAcks, true);
        client.awaitUpgrade();
        client.assertNothingMore();
    }
}
