package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a connecting socket holds for after its CONNECT reply (broadcasts to rooms it is already in,
 * its own emits) counts, for all the connection's sockets together, against maxPendingOutboundBytes:
 * past it the connection is dropped as a transport error, as a client too slow to take what it is sent.
 */
class HeldWhileConnectingBoundTest {
    private static final long BOUND = 4096;
    /** About a quarter of the bound once encoded. */
    private static final String PAYLOAD = "x".repeat(1000);

    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder()
            .engine(EngineOptions.builder().maxPendingOutboundBytes(BOUND).build()).build());

    @Test
    void broadcastsHeldPastTheBoundDropTheConnection() {
        Namespace main = layer.server.of("/");
        main.use(socket -> {
            socket.join("room");
            for (int i = 0; i < 10; i++) {
                main.to("room").emit("big", PAYLOAD); // as if sent while the middleware blocks
            }
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.transport.closed, "dropped at the bound");
        assertTrue(client.take().isEmpty(), "no CONNECT reply, nothing that was held");
        assertTrue(main.sockets().isEmpty());
    }

    @Test
    void emitsHeldPastTheBoundDropTheConnection() {
        layer.server.of("/").use(socket -> {
            for (int i = 0; i < 10; i++) {
                socket.emit("big", PAYLOAD);
            }
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.transport.closed, "dropped at the bound");
        assertTrue(client.take().isEmpty());
    }

    @Test
    void underTheBoundEverythingHeldFollowsTheConnectReply() {
        Namespace main = layer.server.of("/");
        main.use(socket -> {
            socket.join("room");
            for (int i = 0; i < 3; i++) {
                main.to("room").emit("big", i);
            }
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        List<String> out = client.take();
        assertEquals(4, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("0{\"sid\":"), out.get(0));
        assertEquals("2[\"big\",2]", out.get(3));
        assertFalse(client.transport.closed);
    }

    @Test
    void whatASocketHeldNoLongerCountsOnceItConnected() {
        for (String name : List.of("/a", "/b")) {
            layer.server.of(name).use(socket -> {
                for (int i = 0; i < 3; i++) {
                    socket.emit("big", PAYLOAD); // three quarters of the bound, for each namespace in turn
                }
            });
        }
        SocketLayer.TestClient client = layer.connect("/a", null);
        assertEquals(4, client.take().size());
        client.send("0/b,");
        assertEquals(4, client.take().size(), "the bytes /a held were given back when it connected");
        assertFalse(client.transport.closed);
    }
}
