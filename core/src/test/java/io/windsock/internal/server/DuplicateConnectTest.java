package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A second CONNECT for a namespace the connection is joining or has joined. socket.io-client 4.x sends
 * one whenever the application calls {@code socket.connect()} while the CONNECT reply is on its way
 * (a socket of a second namespace made with {@code io(url + "/ns")}, which connects by itself, then
 * {@code connect()}): its manager is open, so each call sends a CONNECT. Node reads both before its
 * middlewares' next tick and connects two sockets (the client hears "connect" twice); closing the
 * connection for it would drop every namespace of a stock client. The duplicate is ignored: one socket,
 * one CONNECT reply.
 */
class DuplicateConnectTest {
    private final Deque<Runnable> handlerTasks = new ArrayDeque<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    private SocketLayer layer() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder()
                .errorHandler((s, event, error) -> errors.add(error)).build(), handlerTasks::add);
        layer.server.of("/chat").use(s -> log.add("middleware")).onConnection(s -> {
            log.add("connection");
            s.onDisconnect(reason -> log.add("disconnect " + reason));
        });
        return layer;
    }

    private void runHandlers() {
        while (!handlerTasks.isEmpty()) {
            handlerTasks.poll().run();
        }
    }

    private static long connectReplies(List<String> packets) {
        return packets.stream().filter(p -> p.startsWith("0/chat,{\"sid\":")).count();
    }

    @Test
    void aSecondConnectWhileTheFirstWaitsForItsMiddlewaresIsIgnored() {
        SocketLayer layer = layer();
        SocketLayer.TestClient client = layer.connect("/chat", null);
        client.send("0/chat,"); // read with the first, whose middlewares wait for the executor
        runHandlers();
        List<String> sent = client.take();
        assertFalse(client.transport.closed, "the connection stays");
        assertEquals(1, connectReplies(sent), sent::toString);
        assertEquals(List.of("middleware", "connection"), log);
        assertEquals(1, layer.server.stats().snapshot().sockets());
        assertEquals(List.of(), errors);

        client.send("2/chat,[\"still here\"]");
        client.send("1/chat,");
        runHandlers();
        assertFalse(client.transport.closed);
        assertEquals(List.of("middleware", "connection", "disconnect client namespace disconnect"), log);
        assertEquals(0, layer.server.stats().snapshot().sockets());
    }

    @Test
    void aSecondConnectReadAfterTheReplyWentOutIsIgnored() {
        SocketLayer layer = layer();
        SocketLayer.TestClient client = layer.connect("/chat", null);
        runHandlers();
        assertEquals(1, connectReplies(client.take()));
        client.send("0/chat,"); // sent before the client read the reply
        runHandlers();
        assertFalse(client.transport.closed, "the connection stays");
        assertEquals(List.of(), client.take());
        assertEquals(List.of("middleware", "connection"), log);
        assertEquals(List.of(), errors);
    }
}
