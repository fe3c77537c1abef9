package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Strings with unpaired surrogates make the round trip with socket.io-client 4.8 unchanged: the
 * client's JSON.stringify escapes them, the server keeps them, and writes them back escaped too.
 */
class LoneSurrogateInteropTest {
    private static final List<Object> ARGS = List.of("\ud800", "a\udfffb", "\udbff\udbff", "\ud83d\ude00",
            java.util.Map.of("k\udc00", "v\ud801"));

    @RegisterExtension
    final Interop interop = new Interop();

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unpairedSurrogatesSurviveTheRoundTrip(Transport transport) {
        Windsock server = interop.server(o -> o.ioThreads(2));
        Mailbox<List<Object>> received = interop.mailbox("received");
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> {
            received.put(args);
            ack.send(args.toArray());
            socket.emit("echoed", args.toArray());
        }));
        ClientSocket client = interop.client().connect(interop.url(server, "/"), transport.clientOptions());
        client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        assertEquals(Json.tree(ARGS), client.emitWithAck("echo", ARGS.toArray()).args());
        assertEquals(ARGS, received.take());
        assertEquals(Json.tree(ARGS), client.expectEvent("echoed").args());
    }
}
