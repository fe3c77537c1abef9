package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.interop.sio1.Sio1Chat;
import io.windsock.server.Protocol1Options;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * socket.io-client 0.9.16 (protocol 1) in Node, over websocket and xhr-polling, against connection
 * classes: the same classes serve it as serve 4.x clients.
 */
class Protocol1ClientTest {
    @RegisterExtension
    final Interop interop = new Interop();

    /**
     * Fast timings: the client hears a heartbeat every 700 ms and gives up after 2.7 s of silence; the
     * server gives up after three unanswered heartbeats (2.1 s at least). Shorter limits would close a
     * session of a process stalled for a moment on a loaded machine. Sessions expire 2 s after their
     * transport left (shorter would race a loaded machine's first transport after the handshake).
     */
    private static final Protocol1Options FAST = Protocol1Options.builder()
            .heartbeatInterval(Duration.ofMillis(700)).clientTimeout(Duration.ofSeconds(2))
            .pollTimeout(Duration.ofMillis(400)).sessionExpiry(Duration.ofSeconds(2)).build();

    /** Default timings, but a vanished session expires in 3 s. */
    private static final Protocol1Options QUICK_EXPIRY = Protocol1Options.builder()
            .sessionExpiry(Duration.ofSeconds(3)).build();

    /**
     * The client said goodbye. Over xhr-polling its 0:: can be lost (its disconnect aborts the POST
     * carrying it: the stock client closes its transport right after queueing it), and the session
     * expires instead.
     */
    private static void assertClientLeft(String closed, String transport) {
        if ("websocket".equals(transport)) {
            assertEquals("/ client namespace disconnect", closed);
        } else {
            assertTrue(Set.of("/ client namespace disconnect", "/ transport close").contains(closed), closed);
        }
    }

    private Windsock server(Protocol1Options options, Mailbox<String> closes) {
        Windsock server = interop.server(o -> o.protocol1(options));
        Connections.serve(server.of("/"), () -> new Sio1Chat(closes));
        Connections.serve(server.of("/chat"), () -> new Sio1Chat(closes));
        return server;
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void eventsMessagesAndAcksBothWays(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = connected("a", interop.url(server, "/"), transport, "thanks", "hello", "question", "answered");

        client.emit("a", "hello", "Joes"); // positional
        assertEquals(Json.array(Map.of("name", "Joes")), client.expectEvent("a", "thanks").get("args"));
        assertEquals(Json.array("Joes", "foobar"), client.expectEvent("a", "hello").get("args"));
        client.emit("a", "hello", Map.of("name", "Joes")); // one object: by name
        assertEquals(Json.array(Map.of("name", "Joes")), client.expectEvent("a", "thanks").get("args"));
        assertEquals(Json.array("Joes", "foobar"), client.expectEvent("a", "hello").get("args"));

        assertEquals(Json.array(5), client.expectAck("a", client.emitWithAck("a", "add", 2, 3)));
        assertEquals(Json.array(5), client.expectAck("a", client.emitWithAck("a", "add", Map.of("a", 2, "b", 3))));
        assertEquals(Json.array("a+b:c+a+b:c"), client.expectAck("a", client.emitWithAck("a", "twice", "a+b:c")));
        assertEquals(Json.array("/ " + transport), client.expectAck("a", client.emitWithAck("a", "where")));

        client.send("a", "plain: text", false); // type 3 both ways
        assertEquals("plain: text", client.expect("a", "message").get("data").asText());
        client.send("a", Map.of("k", List.of(1, "+")), true); // type 4 both ways
        assertEquals(Json.tree(Map.of("k", List.of(1, "+"))), client.expect("a", "message").get("data"));
        // The client's callback fires on 6:::N, which the server sends at once, before its handler runs.
        int seq = client.sendWithAck("a", "acked", false);
        assertEquals(Json.array(), client.expectAck("a", seq));
        assertEquals("acked", client.expect("a", "message").get("data").asText());

        client.emit("a", "ask", "why?"); // the server asks, the client answers with '+' in the data
        JsonNode question = client.expectEvent("a", "question");
        assertEquals(Json.array("why?"), question.get("args"));
        client.answer("a", question.get("key").asText(), "because+1", 2);
        assertEquals(Json.array("because+1", 2), client.expectEvent("a", "answered").get("args"));

        client.disconnect("a");
        assertEquals("booted", client.expect("a", "disconnect").get("reason").asText());
        assertClientLeft(closes.take(), transport);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void endpointsAreNamespaces(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = connected("chat", interop.url(server, "/chat"), transport, "thanks", "hello");
        assertEquals(Json.array("/chat " + transport), client.expectAck("chat", client.emitWithAck("chat", "where")));
        client.of("nope", "chat", "/nope");
        client.expect("nope", "connect_failed");
        client.of("main", "chat", "");
        assertEquals(Json.array("/ " + transport), client.expectAck("main", client.emitWithAck("main", "where")));
        client.disconnect("chat"); // 0::/chat: that endpoint only
        client.expect("chat", "disconnect");
        assertEquals("/chat client namespace disconnect", closes.take());
        assertEquals(Json.array(7), client.expectAck("main", client.emitWithAck("main", "add", 3, 4)));
        client.disconnect("main"); // 0:: : the whole socket
        assertEquals("booted", client.expect("main", "disconnect").get("reason").asText());
        assertEquals("booted", client.expect("chat", "disconnect").get("reason").asText());
        assertEquals("booted", client.expect("nope", "disconnect").get("reason").asText());
        assertClientLeft(closes.take(), transport);
    }

    /**
     * {@code json.send(undefined)} sends {@code 4::}, with no data part: the handler gets a null message
     * (the 0.9 server hands it undefined) and the client stays, where a parse error would boot it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void aJsonMessageOfUndefinedIsANullMessage(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = connected("a", interop.url(server, "/"), transport);
        client.process().send(Map.of("op", "send", "id", "a", "json", true)); // no "data": undefined
        assertTrue(client.expect("a", "message").get("data").isNull(), "echoed as null");
        assertEquals(Json.array(5), client.expectAck("a", client.emitWithAck("a", "add", 2, 3)));
    }

    /**
     * {@code disconnect(true)} boots the client with one {@code 0::}, on which it emits "disconnect" on
     * every endpoint: a {@code 0::/chat} besides would make "/chat" emit it twice.
     */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void aServerCloseOfTheWholeConnectionDisconnectsEachEndpointOnce(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = connected("main", interop.url(server, "/"), transport);
        client.of("chat", "main", "/chat");
        client.expect("chat", "connect");
        server.of("/chat").disconnectSockets(true);
        assertEquals("booted", client.expect("main", "disconnect").get("reason").asText());
        assertEquals("booted", client.expect("chat", "disconnect").get("reason").asText());
        assertEquals(Set.of("/ server namespace disconnect", "/chat server namespace disconnect"),
                Set.of(closes.take(), closes.take()));
        // A later round trip: a second "disconnect" would have come before it (the harness fails on it).
        client.connect("after", interop.url(server, "/"), transport, false);
        client.expect("after", "connect");
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void heartbeatsKeepAnIdleSessionAliveAndAVanishedClientExpires(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(FAST, closes);
        Sio09Client client = connected("a", interop.url(server, "/"), transport, "tick");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // Longer than either side's limit (2.7 s, 2.8 s) without a word from the application: only
            // heartbeats flow meanwhile.
            timer.schedule(() -> server.of("/").emit("tick"), 4, TimeUnit.SECONDS);
            client.expectEvent("a", "tick"); // no disconnect came before it
        } finally {
            timer.shutdownNow();
        }
        client.process().close(); // the client vanishes without a goodbye
        String closed = closes.take();
        assertTrue(Set.of("/ transport close", "/ ping timeout").contains(closed), closed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void aServerStopDropsTheTransportWithoutBootingTheClient(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = connected("a", interop.url(server, "/"), transport);
        server.stop();
        assertEquals("/ server shutting down", closes.take());
        // Not "booted": a 0.9 client would then never reconnect to the server once it is back.
        assertTrue(client.expect("a", "disconnect").get("reason").isNull());
    }

    @Test
    void aRefusedMainEndpointFailsTheHandshake() {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(QUICK_EXPIRY, closes);
        Sio09Client client = new Sio09Client(interop);
        client.connect("a", interop.url(server, "/") + "/?let=no", "xhr-polling", false);
        client.expect("a", "error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void reconnectsAfterTheNetworkFails(String transport) throws Exception {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(FAST, closes);
        try (TcpProxy proxy = new TcpProxy(server.port())) {
            Sio09Client client = new Sio09Client(interop);
            client.connect("a", "http://127.0.0.1:" + proxy.port(), transport, true);
            client.expect("a", "connect");
            proxy.cut();
            client.expect("a", "disconnect");
            proxy.resume();
            Set<String> back = Set.of(client.next("a"), client.next("a"));
            assertEquals(Set.of("reconnect", "connect"), back);
            assertEquals(Json.array(3), client.expectAck("a", client.emitWithAck("a", "add", 1, 2)));
            String cut = closes.take(); // the cut session ends on the server's clock, as a vanished client
            assertTrue(Set.of("/ transport close", "/ ping timeout").contains(cut), cut);
            client.disconnect("a");
            assertEquals("booted", client.expect("a", "disconnect").get("reason").asText());
            assertClientLeft(closes.take(), transport);
        }
    }

    /** @return a stock 0.9 client connected to {@code url} over {@code transport}, listening for {@code events} */
    private Sio09Client connected(String id, String url, String transport, String... events) {
        Sio09Client client = new Sio09Client(interop);
        client.connect(id, url, transport, false, events);
        client.expect(id, "connect");
        return client;
    }
}
