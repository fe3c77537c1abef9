package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.protocol.ProtocolLimits;
import io.windsock.server.WindsockOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sockets of one connection keep their CONNECT payloads (the handshake's auth) together up to one
 * packet's limit: one CONNECT may be as large as a packet, many namespaces do not multiply it.
 */
class ConnectAuthBudgetTest {
    private static final int LIMIT = 10_000;

    @Test
    void largeAuthPayloadsAreRefusedPastTheConnectionsBudgetAndFreedWhenASocketLeaves() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder()
                .limits(ProtocolLimits.DEFAULT.withMaxPacketLength(LIMIT)).build());
        for (String name : List.of("/a", "/b", "/c")) {
            layer.server.of(name);
        }
        String auth = "{\"token\":\"" + "x".repeat(LIMIT / 2) + "\"}"; // over half the budget each
        SocketLayer.TestClient client = layer.connect("/a", auth);
        assertTrue(client.take().get(0).startsWith("0/a,{\"sid\":"), "the first fits");

        client.send("0/b," + auth);
        assertEquals(List.of("4/b,{\"message\":\"Auth payloads too large for this connection\"}"), client.take());
        client.send("0/c,{\"token\":\"small\"}");
        assertTrue(client.take().get(0).startsWith("0/c,{\"sid\":"), "a small one still fits");

        client.send("1/a,"); // the client leaves /a: its payload is let go
        client.send("0/b," + auth);
        assertTrue(client.take().get(0).startsWith("0/b,{\"sid\":"), client::toString);
    }

    @Test
    void anAuthOfManySmallObjectsCountsWhatItHoldsDecoded() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder()
                .limits(ProtocolLimits.DEFAULT.withMaxPacketLength(LIMIT)).build());
        layer.server.of("/a");
        layer.server.of("/b");
        // 1,200 wire bytes, some 11 KB of maps and lists once decoded: past the budget on its own.
        String heavy = "{\"t\":[" + "{},".repeat(199) + "{}]}";
        SocketLayer.TestClient client = layer.connect("/a", "{\"token\":\"small\"}");
        assertTrue(client.take().get(0).startsWith("0/a,{\"sid\":"));
        client.send("0/b," + heavy);
        assertEquals(List.of("4/b,{\"message\":\"Auth payloads too large for this connection\"}"), client.take());
        client.send("0/b,{\"t\":[" + "{},".repeat(19) + "{}]}"); // a tenth of it fits
        assertTrue(client.take().get(0).startsWith("0/b,{\"sid\":"), client::toString);
    }
}
