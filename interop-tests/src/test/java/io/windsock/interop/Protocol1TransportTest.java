package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.server.Protocol1Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * socket.io-client 0.9.16 in Node: {@code socket.transport()} inside "/"'s onConnection names the
 * transport the client chose (the handshake connects "/" before there is one), and the client connects
 * with {@code websocketCheck} on.
 */
class Protocol1TransportTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void onConnectionSeesTheRealTransport(String transport) {
        Windsock server = interop.server(o -> o.protocol1(Protocol1Options.DEFAULT));
        Mailbox<String> seen = interop.mailbox("transports");
        server.of("/").onConnection(socket -> {
            seen.put(socket.transport());
            socket.on("where", (args, ack) -> ack.send(socket.transport()));
        });
        Sio09Client client = new Sio09Client(interop);
        client.connect("a", interop.url(server, "/"), transport, false);
        client.expect("a", "connect");
        assertEquals(transport, seen.take());
        assertEquals(Json.array(transport), client.expectAck("a", client.emitWithAck("a", "where")));
        client.disconnect("a");
        client.expect("a", "disconnect");
    }

    @Test
    void theClientConnectsOverAProbedWebSocket() {
        Windsock server = interop.server(o -> o.protocol1(Protocol1Options.builder().websocketCheck(true).build()));
        Mailbox<String> seen = interop.mailbox("transports");
        server.of("/").onConnection(socket -> {
            seen.put(socket.transport());
            socket.on("echo", (args, ack) -> ack.send(args.get(0)));
        });
        Sio09Client client = new Sio09Client(interop);
        client.connect("a", interop.url(server, "/"), "websocket", false);
        client.expect("a", "connect");
        assertEquals("websocket", seen.take());
        assertEquals(Json.array("over the probed socket"),
                client.expectAck("a", client.emitWithAck("a", "echo", "over the probed socket")));
        client.disconnect("a");
        client.expect("a", "disconnect");
    }
}
