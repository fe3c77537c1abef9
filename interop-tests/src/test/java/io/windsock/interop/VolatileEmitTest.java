package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Socket.emitVolatile} (Node's {@code socket.volatile.emit}) on a server with two event loops and
 * the real handler pool: a long-polling client with no poll waiting misses it while an emit made beside
 * it waits for its next poll; the real 4.8 client over WebSocket gets it from a handler, and with
 * connection state recovery on it carries no offset while the emit after it does.
 */
class VolatileEmitTest {
    private static final char SEPARATOR = '\u001e';

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void aPollingClientWithNoPollWaitingMissesItButGetsTheEmitBesideIt() {
        Mailbox<Socket> sockets = interop.mailbox("sockets");
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(sockets::put);

        RawHttp.Response open = RawHttp.request(server.port(), "GET", "/socket.io/?EIO=4&transport=polling", null);
        assertEquals(200, open.status());
        String sid = Json.parse(open.body().substring(1)).path("sid").asText();
        String target = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        assertEquals(200, RawHttp.request(server.port(), "POST", target, "40").status());
        Socket socket = sockets.take();

        // From a thread of the application's, with no GET waiting: the volatile ones are dropped.
        socket.emitVolatile("pos", 1);
        socket.emit("kept", 2);
        socket.emitVolatile("pos", 3);
        RawHttp.Response poll = RawHttp.request(server.port(), "GET", target, null);
        List<String> packets = Arrays.asList(poll.body().split(String.valueOf(SEPARATOR)));
        assertEquals(2, packets.size(), packets::toString);
        assertTrue(packets.get(0).startsWith("40{\"sid\":"), packets::toString);
        assertEquals("42[\"kept\",2]", packets.get(1));
    }

    @Test
    void theRealClientGetsItFromAHandlerWithoutAnOffset() {
        Windsock server = interop.server(o -> o.connectionStateRecovery(ConnectionStateRecovery.defaults()));
        server.of("/").onConnection(socket -> socket.on("go", (args, ack) -> {
            socket.emitVolatile("pos", "1"); // a string last, which a stored event's offset would be
            socket.emit("stored", 2);
        }));
        ClientSocket client = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        client.expectConnect();
        client.emit("go");
        ClientEvent pos = client.expectEvent("pos");
        assertEquals(Json.array("1"), pos.args(), pos::toString);
        ClientEvent stored = client.expectEvent("stored");
        assertEquals(2, stored.args().size(), "an emit carries its offset: " + stored);
        assertEquals(2, stored.arg(0).asInt());
        assertTrue(stored.arg(1).isTextual(), stored::toString);
    }
}
