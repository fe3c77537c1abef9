package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.server.Protocol1Options;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * socket.io-client 2.x and 4.x in one room of one server, and then 0.9 with them: what each says
 * reaches the others once and in order, text and binary, though each packet is encoded once per
 * generation; and a broadcast with acks to all of them is answered by each.
 */
class MixedGenerationsRoomTest {
    private static final int MESSAGES = 20;

    @RegisterExtension
    final Interop interop = new Interop();

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBroadcastFromEachGenerationReachesTheOtherOnceInOrder(Transport transport) {
        Windsock server = interop.server(o -> o);
        Mailbox<Socket> joined = interop.mailbox("joined");
        server.of("/chat").onConnection(socket -> {
            socket.join("room");
            socket.on("say", (args, ack) -> {
                socket.to("room").emit("said", args.toArray());
                ack.send();
            });
            joined.put(socket);
        });
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        ClientSocket old = interop.client(SocketIoClientV2Test.DRIVER).connect(interop.url(server, "/chat"), options);
        ClientSocket modern = interop.client().connect(interop.url(server, "/chat"), options);
        old.expectConnect();
        modern.expectConnect();
        joined.take();
        joined.take();

        say(old, "from 2.x", (byte) 2);
        assertHeardInOrder(modern, "from 2.x", (byte) 2);
        say(modern, "from 4.x", (byte) 4);
        assertHeardInOrder(old, "from 4.x", (byte) 4);
        // And both at once: each hears the other's, in order, between its own acks.
        List<Integer> oldSeqs = new ArrayList<>();
        List<Integer> modernSeqs = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            oldSeqs.add(old.emitWithAckLater("say", null, "from 2.x", i, new byte[] {2, (byte) i}));
            modernSeqs.add(modern.emitWithAckLater("say", null, "from 4.x", i, new byte[] {4, (byte) i}));
        }
        assertHeardInOrder(modern, "from 2.x", (byte) 2, modernSeqs);
        assertHeardInOrder(old, "from 4.x", (byte) 4, oldSeqs);
        old.assertNothingMore();
        modern.assertNothingMore();
    }

    /**
     * A 0.9 client (protocol 1, over WebSocket) in the room as well: what each of the three says reaches
     * the other two once and in order, one speaker at a time and all three at once. Protocol 1 has no
     * binary: the others' bytes reach the 0.9 client as base64 text, and it sends its own as base64 text.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void withA09ClientEachOfThreeGenerationsReachesTheOtherTwoOnceInOrder(Transport transport) {
        Windsock server = interop.server(o -> o.protocol1(Protocol1Options.DEFAULT));
        Mailbox<Socket> joined = interop.mailbox("joined");
        server.of("/chat").onConnection(socket -> {
            socket.join("room");
            socket.on("say", (args, ack) -> {
                socket.to("room").emit("said", args.toArray());
                ack.send();
            });
            joined.put(socket);
        });
        Generations clients = joinChat(server, joined, transport, "websocket", "said");
        Sio09Client oldest = clients.oldest();
        ClientSocket old = clients.old();
        ClientSocket modern = clients.modern();
        List<Member> members = List.of(new Protocol1Member(oldest, "0.9", (byte) 9),
                new SocketMember(old, "2.x", (byte) 2), new SocketMember(modern, "4.x", (byte) 4));

        for (Member speaker : members) {
            for (int i = 0; i < MESSAGES; i++) {
                speaker.say(i);
            }
            for (Member listener : members) {
                listener.hear(listener == speaker ? List.of() : List.of(speaker), listener == speaker ? MESSAGES : 0);
            }
        }
        // All three at once: each hears both others, each in order, between its own acks.
        for (int i = 0; i < MESSAGES; i++) {
            for (Member speaker : members) {
                speaker.say(i);
            }
        }
        for (Member listener : members) {
            listener.hear(members.stream().filter(m -> m != listener).toList(), MESSAGES);
        }
        oldest.process().mailbox("0.9").assertEmpty();
        old.assertNothingMore();
        modern.assertNothingMore();
    }

    /**
     * A broadcast with acks to a room of all three generations: one ack id serves every encoding, and
     * each client's answer (the 4.x one in binary) comes back once.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBroadcastWithAcksIsAnsweredByEachGeneration(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.protocol1(Protocol1Options.DEFAULT));
        Mailbox<Socket> joined = interop.mailbox("joined");
        server.of("/chat").onConnection(socket -> {
            socket.join("room");
            joined.put(socket);
        });
        Generations clients = joinChat(server, joined, transport,
                transport == Transport.POLLING ? "xhr-polling" : "websocket", "q");
        Sio09Client oldest = clients.oldest();
        ClientSocket old = clients.old();
        ClientSocket modern = clients.modern();

        CompletableFuture<List<Object>> answers = server.of("/chat").to("room").timeout(Duration.ofSeconds(20))
                .emitWithAck("q", 1);
        JsonNode toOldest = oldest.expectEvent("0.9", "q");
        ClientEvent toOld = old.expectEvent("q");
        ClientEvent toModern = modern.expectEvent("q");
        assertEquals(Json.array(1), toOldest.get("args"));
        assertEquals(Json.array(1), toOld.args());
        assertEquals(Json.array(1), toModern.args());
        oldest.answer("0.9", toOldest.get("key").asText(), "from 0.9", "ignored");
        old.ack(toOld, "from 2.x", "ignored");
        modern.ack(toModern, new byte[] {4, 2}, "ignored");

        List<Object> got = answers.get(30, TimeUnit.SECONDS);
        assertEquals(3, got.size(), got::toString);
        assertTrue(got.contains("from 0.9") && got.contains("from 2.x"), got::toString);
        assertTrue(got.stream().anyMatch(a -> a instanceof byte[] b && Arrays.equals(b, new byte[] {4, 2})),
                got::toString);
        oldest.process().mailbox("0.9").assertEmpty();
        old.assertNothingMore();
        modern.assertNothingMore();
    }

    /** A client of each generation, joined to /chat. */
    private record Generations(Sio09Client oldest, ClientSocket old, ClientSocket modern) {
    }

    /**
     * Joins a 0.9 client (on {@code oldestTransport}, listening for {@code event}), a 2.x and a 4.x client
     * (on {@code transport}) to /chat, and waits until the server's connection listener took all three.
     */
    private Generations joinChat(Windsock server, Mailbox<Socket> joined, Transport transport, String oldestTransport,
                                 String event) {
        Map<String, Object> options = new HashMap<>(transport.clientOptions());
        Sio09Client oldest = new Sio09Client(interop);
        oldest.connect("0.9", interop.url(server, "/chat"), oldestTransport, false, event);
        ClientSocket old = interop.client(SocketIoClientV2Test.DRIVER).connect(interop.url(server, "/chat"), options);
        ClientSocket modern = interop.client().connect(interop.url(server, "/chat"), options);
        oldest.expect("0.9", "connect");
        old.expectConnect();
        modern.expectConnect();
        for (int i = 0; i < 3; i++) {
            joined.take();
        }
        return new Generations(oldest, old, modern);
    }

    /** One client in the room, whatever its generation. */
    private abstract static class Member {
        final String name;
        final byte tag;
        /** Sequence numbers of this member's emits, in order; their acks must come in this order. */
        final List<Integer> sent = new ArrayList<>();
        private int acked;

        Member(String name, byte tag) {
            this.name = name;
            this.tag = tag;
        }

        /** Emits "say" with ({@code "from " + name}, i, bytes) and a callback, without waiting. */
        abstract void say(int i);

        /** @return the next thing seen: an ack (args null, seq set) or a "said" event (args set). */
        abstract Seen next();

        /** Takes {@code speakers}' messages, each speaker's in order, and {@code acks} of this member's own acks. */
        void hear(List<Member> speakers, int acks) {
            Map<String, Integer> next = new HashMap<>();
            speakers.forEach(s -> next.put("from " + s.name, 0));
            int heard = 0;
            int stop = acked + acks;
            while (heard < speakers.size() * MESSAGES || acked < stop) {
                Seen seen = next();
                if (seen.args == null) {
                    assertEquals(sent.get(acked++), seen.seq, () -> name + ": " + seen);
                    continue;
                }
                String from = seen.args.get(0).asText();
                Integer expected = next.get(from);
                assertTrue(expected != null && expected < MESSAGES, () -> name + " did not expect " + seen);
                assertEquals(expected.intValue(), seen.args.get(1).asInt(), () -> name + ", in order: " + seen);
                byte speakerTag = speakers.stream().filter(s -> from.equals("from " + s.name))
                        .findFirst().orElseThrow().tag;
                assertArrayEquals(new byte[] {speakerTag, (byte) (int) expected}, bytes(seen.args.get(2)),
                        seen::toString);
                next.put(from, expected + 1);
                heard++;
            }
        }

        /** Binary in the Node drivers' wire form, or base64 text (protocol 1's form of bytes). */
        private static byte[] bytes(JsonNode node) {
            return Json.isBinary(node) ? Json.bytes(node) : Base64.getDecoder().decode(node.asText());
        }
    }

    private record Seen(int seq, JsonNode args, String line) {
        @Override
        public String toString() {
            return line;
        }
    }

    /** socket.io-client 2.x or 4.x. */
    private static final class SocketMember extends Member {
        private final ClientSocket socket;

        SocketMember(ClientSocket socket, String name, byte tag) {
            super(name, tag);
            this.socket = socket;
        }

        @Override
        void say(int i) {
            sent.add(socket.emitWithAckLater("say", null, "from " + name, i, new byte[] {tag, (byte) i}));
        }

        @Override
        Seen next() {
            ClientEvent seen = socket.next();
            if ("ack".equals(seen.type())) {
                return new Seen(seen.seq(), null, seen.toString());
            }
            assertEquals("said", seen.event(), seen::toString);
            return new Seen(-1, seen.args(), seen.toString());
        }
    }

    /** socket.io-client 0.9; its driver numbers the emits itself, in a "sent" line before the emit. */
    private static final class Protocol1Member extends Member {
        private final Sio09Client client;

        Protocol1Member(Sio09Client client, String name, byte tag) {
            super(name, tag);
            this.client = client;
        }

        @Override
        void say(int i) {
            client.emitWithAckLater(name, "say", "from " + name,
                    i, Base64.getEncoder().encodeToString(new byte[] {tag, (byte) i}));
        }

        @Override
        Seen next() {
            while (true) {
                JsonNode line = client.process().mailbox(name).take();
                switch (line.path("type").asText()) {
                    case "sent" -> sent.add(line.get("seq").asInt());
                    case "ack" -> {
                        return new Seen(line.get("seq").asInt(), null, line.toString());
                    }
                    case "event" -> {
                        assertEquals("said", line.get("name").asText(), line::toString);
                        return new Seen(-1, line.get("args"), line.toString());
                    }
                    default -> throw new AssertionError(name + ": unexpected " + line);
                }
            }
        }
    }

    /** Sends the messages, each acked once the server relayed it. */
    private static void say(ClientSocket sender, String from, byte tag) {
        List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            seqs.add(sender.emitWithAckLater("say", null, from, i, new byte[] {tag, (byte) i}));
        }
        seqs.forEach(sender::expectAck);
    }

    private static void assertHeardInOrder(ClientSocket listener, String from, byte tag) {
        assertHeardInOrder(listener, from, tag, List.of());
    }

    /** Takes the other client's messages, and the acks of the listener's own emits that come between them. */
    private static void assertHeardInOrder(ClientSocket listener, String from, byte tag, List<Integer> ownAcks) {
        int next = 0;
        int acked = 0;
        while (next < MESSAGES || acked < ownAcks.size()) {
            ClientEvent seen = listener.next();
            if ("ack".equals(seen.type())) {
                assertEquals(ownAcks.get(acked++), seen.seq(), seen::toString);
                continue;
            }
            assertEquals("said", seen.event(), seen::toString);
            assertEquals(from, seen.arg(0).asText());
            int expected = next;
            assertEquals(expected, seen.arg(1).asInt(), () -> "in order: " + seen);
            assertArrayEquals(new byte[] {tag, (byte) expected}, Json.bytes(seen.arg(2)));
            next++;
        }
    }
}
