package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.internal.testing.MutableClock;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code Socket.emitVolatile}, Node's {@code socket.volatile.emit}: sent when the client can take it
 * now, dropped (not queued) when it cannot, never held for a connecting socket, never stored for
 * recovery nor numbered with an offset, and seen by the outgoing listeners only when sent.
 */
class SocketVolatileEmitTest {
    private final List<Socket> connected = new ArrayList<>();
    private SocketLayer layer;
    private Namespace main;

    private void start(WindsockOptions options) {
        layer = SocketLayer.withAdapters(options, ns -> new InMemoryAdapter(ns, new MutableClock()));
        main = layer.server.of("/");
        main.onConnection(connected::add);
    }

    private SocketLayer.TestClient connect() {
        SocketLayer.TestClient client = layer.connect("/", null);
        assertEquals(1, client.take().size(), "the CONNECT reply");
        return client;
    }

    @Test
    void sentWhenTheClientCanTakeItNowAndDroppedNotQueuedWhenItCannot() {
        start(WindsockOptions.builder().build());
        SocketLayer.TestClient client = connect();
        Socket socket = connected.get(0);
        List<String> outgoing = new CopyOnWriteArrayList<>();
        socket.onAnyOutgoing((event, args) -> outgoing.add(event));

        socket.emitVolatile("pos", 1);
        assertEquals(List.of("2[\"pos\",1]"), client.take());
        client.transport.writableNow = false;
        socket.emitVolatile("pos", 2);
        socket.emit("kept", 3);
        client.transport.writableNow = true;
        socket.emitVolatile("pos", 4);
        assertEquals(List.of("2[\"kept\",3]", "2[\"pos\",4]"), client.take(), "the dropped one is not sent later");
        assertEquals(List.of("pos", "kept", "pos"), outgoing, "the listeners see what is sent only");
        assertThrows(IllegalArgumentException.class, () -> socket.emitVolatile("disconnect"));
    }

    @Test
    void aSocketInItsMiddlewaresDropsItWhereEmitHoldsIt() {
        start(WindsockOptions.builder().build());
        main.use(socket -> {
            socket.emitVolatile("early", 1);
            socket.emit("held", 2);
        });
        main.onConnection(socket -> socket.emitVolatile("listener", 3));
        SocketLayer.TestClient client = layer.connect("/", null);
        List<String> got = client.take();
        assertEquals(3, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("0{\"sid\""), got.get(0));
        assertEquals(List.of("2[\"held\",2]", "2[\"listener\",3]"), got.subList(1, 3));
    }

    @Test
    void droppedOnceTheSocketLeft() {
        start(WindsockOptions.builder().build());
        SocketLayer.TestClient client = connect();
        Socket socket = connected.get(0);
        client.send("1"); // the client leaves the namespace
        assertFalse(socket.isConnected());
        socket.emitVolatile("late", 1);
        assertEquals(List.of(), client.take());
    }

    @Test
    void neverStoredForRecoveryNorGivenAnOffset() {
        start(WindsockOptions.builder().connectionStateRecovery(ConnectionStateRecovery.defaults()).build());
        SocketLayer.TestClient client = layer.connect("/", null);
        Map<String, Object> reply = Wire.connectReply(client.take().get(0));
        Socket socket = connected.get(0);

        socket.emit("stored", 1);
        socket.emitVolatile("vol", "1"); // a string last: it must not read as an offset
        List<String> got = client.take();
        assertEquals(2, got.size(), got::toString);
        assertEquals(3, Wire.event(got.get(0)).size(), "an emit carries its offset");
        assertEquals("2[\"vol\",\"1\"]", got.get(1), "a volatile event carries none");
        List<Object> stored = Wire.event(got.get(0));
        String offset = (String) stored.get(stored.size() - 1);

        client.drop();
        assertFalse(socket.isConnected());
        socket.emitVolatile("vol", 2); // away: dropped, where an emit is stored
        socket.emit("missed", 3);
        SocketLayer.TestClient again = layer.connect("/",
                "{\"pid\":\"" + reply.get("pid") + "\",\"offset\":\"" + offset + "\"}");
        got = again.take();
        assertEquals(2, got.size(), got::toString);
        assertEquals(List.of("missed", 3), Wire.event(got.get(1)).subList(0, 2));
        assertTrue(connected.get(1).recovered());
    }
}
