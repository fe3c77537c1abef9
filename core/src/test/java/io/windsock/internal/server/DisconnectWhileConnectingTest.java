package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ClientError;
import io.windsock.server.WindsockOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DISCONNECT for a socket still waiting for its CONNECT reply: socket.io-client 2.x to 4.x never send
 * one (they send DISCONNECT only once connected; for the 0.9 client, see Sio1DisconnectWhileConnectingTest),
 * and Node, which knows the socket only once its middlewares have
 * passed, closes the connection on it. Accepting it freed the namespace slot and the auth budget at once
 * while the socket's connect and close still waited for the handler executor, so a loop of CONNECT and
 * DISCONNECT piled up sockets without bound.
 */
class DisconnectWhileConnectingTest {
    private final Deque<Runnable> handlerTasks = new ArrayDeque<>();
    private final List<Throwable> errors = new ArrayList<>();

    private SocketLayer layer() {
        return new SocketLayer(WindsockOptions.builder().errorHandler((s, event, error) -> errors.add(error)).build(),
                handlerTasks::add);
    }

    private void runHandlers() {
        while (!handlerTasks.isEmpty()) {
            handlerTasks.poll().run();
        }
    }

    @Test
    void aDisconnectBeforeTheConnectReplyClosesTheConnection() {
        SocketLayer layer = layer();
        layer.server.of("/").onConnection(s -> { });
        SocketLayer.TestClient client = layer.connect("/", null); // its middlewares wait for the executor
        client.send("1");
        assertTrue(client.transport.closed, "closed as Node closes it (invalid state)");
        runHandlers();
        assertTrue(errors.stream().anyMatch(e -> e instanceof ClientError), errors::toString);
        assertEquals(0, layer.server.stats().snapshot().sockets(), "the connecting socket is gone too");
    }

    @Test
    void churnIsStoppedAtTheFirstCycle() {
        SocketLayer layer = layer();
        layer.server.of("/").onConnection(s -> { });
        SocketLayer.TestClient client = layer.connect("/", null);
        for (int i = 0; i < 1000 && !client.transport.closed; i++) {
            client.send("1");
            client.send("0");
        }
        assertTrue(client.transport.closed);
        assertTrue(handlerTasks.size() < 10, handlerTasks.size() + " tasks queued for one client");
    }

    @Test
    void aDisconnectAfterTheConnectReplyLeavesTheNamespaceAndTheConnectionStays() {
        SocketLayer layer = layer();
        List<String> log = new ArrayList<>();
        layer.server.of("/").onConnection(s -> s.onDisconnect(reason -> log.add("disconnect " + reason)));
        SocketLayer.TestClient client = layer.connect("/", null);
        runHandlers();
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
        client.send("1");
        runHandlers();
        assertFalse(client.transport.closed);
        assertEquals(List.of("disconnect client namespace disconnect"), log);
        client.send("0"); // and joins again
        runHandlers();
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
    }
}
