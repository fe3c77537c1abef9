package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import io.windsock.server.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * socket.io-client 2.x and 4.x in one room of one server: what each says reaches the other once and
 * in order, text and binary, though each packet is encoded once for both generations.
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
