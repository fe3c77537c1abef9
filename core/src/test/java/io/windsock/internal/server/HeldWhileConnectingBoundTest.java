package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * The bound per client that docs/limits.md states: the connection's budget and its connecting
     * sockets' are two, so while a socket connects the client holds more than the bound (up to twice
     * it); at the CONNECT reply what the socket held must fit in the connection's budget.
     */
    @Test
    void whileASocketConnectsTheClientHoldsUpToTwiceTheBound() {
        AtomicReference<Socket> connected = new AtomicReference<>();
        layer.server.of("/").onConnection(connected::set);
        SocketLayer.TestClient[] client = new SocketLayer.TestClient[1];
        List<Long> seenByTheMiddleware = new ArrayList<>();
        layer.server.of("/b").use(socket -> {
            for (int i = 0; i < 3; i++) {
                socket.emit("big", PAYLOAD); // held for after the CONNECT reply: three quarters of the bound
            }
            seenByTheMiddleware.add(client[0].session.pendingOutboundBytes());
            seenByTheMiddleware.add(client[0].transport.closed ? 1L : 0L);
        });
        client[0] = layer.connect("/", null);
        assertEquals(1, client[0].take().size(), "the CONNECT reply");
        client[0].transport.stalled = true; // the client reads nothing more
        for (int i = 0; i < 3; i++) {
            connected.get().emit("big", PAYLOAD); // queued in the session: three quarters of the bound
        }
        long queued = client[0].session.pendingOutboundBytes();
        assertTrue(queued > BOUND * 3 / 4 - 100 && queued <= BOUND, "queued " + queued);

        client[0].send("0/b,");
        assertEquals(List.of(queued, 0L), seenByTheMiddleware,
                "three quarters queued and three quarters held, 1.5 times the bound, and not dropped");
        assertTrue(client[0].transport.closed, "at the CONNECT reply the held packets do not fit in the session's budget");
    }
}
