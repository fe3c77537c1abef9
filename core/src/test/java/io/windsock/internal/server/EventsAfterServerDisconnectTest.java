package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events a client sent before the server made its socket leave, still queued at that moment: after
 * a server-side disconnect they are dropped, as socket.io drops packets that reach a disconnected
 * socket; after the client's own disconnect they are handled (they came before it). Handlers run
 * only when the test says so, so the queue holds exactly what arrived.
 */
class EventsAfterServerDisconnectTest {
    private final Deque<Runnable> handlerTasks = new ArrayDeque<>();
    private final List<String> log = new ArrayList<>();
    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder().build(), handlerTasks::add);

    private SocketLayer.TestClient connect() {
        layer.server.of("/").onConnection(s -> {
            s.on("stop", (args, ack) -> {
                log.add("stop");
                s.disconnect();
            });
            s.on("add", (args, ack) -> {
                log.add("add " + args.get(0));
                ack.send("added");
            });
            s.onDisconnect(reason -> log.add("disconnect " + reason));
        });
        SocketLayer.TestClient client = layer.connect("/", null);
        runHandlers();
        assertTrue(client.take().get(0).startsWith("0{"), "connected");
        return client;
    }

    private void runHandlers() {
        while (!handlerTasks.isEmpty()) {
            handlerTasks.poll().run();
        }
    }

    @Test
    void eventsQueuedBehindAServerDisconnectAreDropped() {
        SocketLayer.TestClient client = connect();
        client.send("2[\"add\",1]");
        client.send("2[\"stop\"]");
        client.send("21[\"add\",2]");
        client.send("2[\"add\",3]");
        runHandlers();
        assertEquals(List.of("add 1", "stop", "disconnect server namespace disconnect"), log);
        assertEquals(List.of("1"), client.take(), "only the DISCONNECT: no ack of a dropped event");
    }

    @Test
    void eventsQueuedBeforeTheClientsOwnDisconnectAreHandled() {
        SocketLayer.TestClient client = connect();
        client.send("2[\"add\",1]");
        client.send("21[\"add\",2]");
        client.send("1");
        runHandlers();
        assertEquals(List.of("add 1", "add 2", "disconnect client namespace disconnect"), log);
    }
}
