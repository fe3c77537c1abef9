package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.server.WindsockOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strict conversion refuses a number beyond a double's range (1e400) at any depth of what a client
 * sent, through the whole inbound path: the wire reader marks such a packet, the socket keeps the
 * mark on the event's arguments, binary reassembly included; values that take anything (Object,
 * Map) are refused too.
 */
class NonFiniteOnTheWireTest {
    public static class Echo extends SocketConnection {
        @Event
        public Map<String, Object> map(Map<String, Object> v) {
            return v;
        }

        @Event
        public int count(Object... v) {
            return v.length;
        }
    }

    private static final String REFUSED = "\"error\":\"bad_arguments\"";

    private SocketLayer.TestClient serve() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().errorHandler((socket, event, error) -> { }).build());
        Connections.serve(layer.server.of("/"), Echo::new, ConnectionOptions.DEFAULT);
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
        return client;
    }

    @Test
    void aNestedInfinityIsRefusedAndFiniteValuesPass() {
        SocketLayer.TestClient client = serve();
        client.send("21[\"map\",{\"a\":[1,{\"b\":-1e400}]}]");
        List<String> refused = client.take();
        assertEquals(1, refused.size(), refused::toString);
        assertTrue(refused.get(0).startsWith("31[{") && refused.get(0).contains(REFUSED), refused::toString);
        client.send("22[\"map\",{\"a\":[1,{\"b\":1e300}]}]");
        assertEquals(List.of("32[{\"a\":[1,{\"b\":1.0E300}]}]"), client.take());
        client.send("23[\"count\",1,[2,[1e400]]]");
        assertTrue(client.take().get(0).contains(REFUSED));
        client.send("24[\"count\",1,[2,[\"1e400\"]]]"); // text, not a number
        assertEquals(List.of("34[2]"), client.take());
    }

    @Test
    void aBinaryEventKeepsTheMarkThroughReassembly() {
        SocketLayer.TestClient client = serve();
        client.send("51-5[\"map\",{\"bin\":{\"_placeholder\":true,\"num\":0},\"deep\":[[1e400]]}]");
        client.session.onPacket(client.transport, EnginePacket.message(new byte[]{1, 2}));
        List<String> refused = client.take();
        assertEquals(1, refused.size(), refused::toString);
        assertTrue(refused.get(0).startsWith("35[{") && refused.get(0).contains(REFUSED), refused::toString);
    }
}
