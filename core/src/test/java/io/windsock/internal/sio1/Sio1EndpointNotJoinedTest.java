package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A socket.io-client 0.9 namespace object outlives its membership: after {@code connect_failed}, after
 * its own {@code disconnect()} and after the server's {@code 0::/chat}, it still sends what the page
 * emits there, and still acks (and may answer) what the server sent there. After a reconnection it
 * sends what was emitted meanwhile before its {@code 1::/chat}, which comes twice for a namespace first
 * used while reconnecting. The 0.9 server takes such a packet and nothing comes of it; the client's
 * other endpoints, "/" included, go on.
 */
class Sio1EndpointNotJoinedTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();

    @Test
    void packetsForAnEndpointTheClientIsNotInAreIgnoredAndTheSessionGoesOn() throws Exception {
        servers.start(app -> app
                .namespace("/", ns -> ns.onConnection(s -> s.on("ping", (args, ack) -> ack.send("pong"))))
                .namespace("/chat", ns -> ns.onConnection(s -> s.on("kick", (args, ack) -> s.disconnect()))));
        RawSio1WebSocket ws = RawSio1WebSocket.connect(servers.http(), servers.port());
        assertEquals("1::", ws.next());

        ws.send("1::/nope");
        assertEquals("7::/nope:2", ws.next()); // connect_failed
        ws.send("5::/nope:{\"name\":\"x\"}"); // the page emits there anyway
        ws.send("0::/nope"); // and disconnects it
        ws.send("5:1+::{\"name\":\"ping\"}");
        assertEquals("6:::1+[\"pong\"]", ws.next(), "the session went on");

        // After a reconnection the client sends what the page emitted meanwhile first, then 1::/chat;
        // a namespace first used while it reconnected sends 1::/chat twice.
        ws.send("5::/chat:{\"name\":\"buffered\"}");
        ws.send("1::/chat");
        ws.send("1::/chat");
        assertEquals("1::/chat", ws.next());
        ws.send("5:2+::{\"name\":\"ping\"}");
        assertEquals("6:::2+[\"pong\"]", ws.next(), "the session went on");
        ws.send("5::/chat:{\"name\":\"kick\"}");
        assertEquals("0::/chat", ws.next());
        ws.send("5::/chat:{\"name\":\"late\"}"); // sent before the client read 0::/chat
        ws.send("5:3+::{\"name\":\"ping\"}");
        assertEquals("6:::3+[\"pong\"]", ws.next(), "the session went on");
        ws.close();
    }
}
