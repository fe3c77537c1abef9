package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * socket.io-client 0.9's {@code send(data, fn)} (and {@code json.send}) asks for an ack with an id
 * without {@code +}: the 0.9 server acknowledges it itself, at once and whatever the application does
 * ({@code 6:::id}, on the packet's endpoint), and the callback takes no data. Only {@code +} (an
 * {@code emit} with a callback) leaves the answer to the application.
 */
class Sio1AutoAckTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();

    @Test
    void anIdWithoutPlusIsAcknowledgedAtOnceWhateverTheApplicationDoes() throws Exception {
        servers.start(app -> app
                .namespace("/", ns -> ns.onConnection(s -> {
                    s.on("message", (args, ack) -> { }); // as a 0.9 handler is written: no ack
                    s.on("ping", (args, ack) -> ack.send("pong"));
                }))
                .namespace("/chat", ns -> { })); // no listener at all
        RawSio1WebSocket ws = RawSio1WebSocket.connect(servers.http(), servers.port());
        assertEquals("1::", ws.next());

        ws.send("3:5::hi");
        assertEquals("6:::5", ws.next());
        ws.send("4:6::{\"a\":1}");
        assertEquals("6:::6", ws.next());
        ws.send("1::/chat");
        assertEquals("1::/chat", ws.next());
        ws.send("3:7:/chat:hi");
        assertEquals("6::/chat:7", ws.next());
        ws.send("5:8+::{\"name\":\"ping\"}");
        assertEquals("6:::8+[\"pong\"]", ws.next(), "acked once each, in order");
        ws.close();
    }
}
