package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.ConnectionOptions;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.WindsockOptions;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Connection classes and the main namespace on the real socket layer (no network): what a client
 * sees on the wire when a bad event closes a namespace, and that "/" exists with the server.
 */
class ConnectionClassOnSocketsTest {
    public static class Strict extends SocketConnection {
        @Event
        public int add(int a, int b) {
            return a + b;
        }
    }

    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder()
            .errorHandler((socket, event, error) -> { }).build());

    @Test
    void aBadEventClosesOnlyItsNamespaceByDefaultWhenClosingIsOn() {
        Connections.serve(layer.server.of("/"), Strict::new);
        Connections.serve(layer.server.of("/strict"), Strict::new, ConnectionOptions.builder().closeOnBadEvent(true).build());
        SocketLayer.TestClient client = layer.connect("/", null);
        client.send("0/strict,");
        assertEquals(2, client.take().size(), "two CONNECT replies");

        client.send("2/strict,1[\"add\",1]");
        assertEquals(List.of("3/strict,1[{\"error\":\"bad_arguments\",\"message\":"
                        + "\"missing argument 2 (int b); expected add(int a, int b)\"}]", "1/strict,"),
                client.take(), "the error ack, then DISCONNECT of /strict only (io server disconnect)");
        client.send("22[\"add\",1,2]");
        assertEquals(List.of("32[3]"), client.take(), "the main namespace on the same connection lives on");
        assertTrue(layer.server.of("/").sockets().size() == 1);
        assertTrue(layer.server.of("/strict").sockets().isEmpty());
    }

    @Test
    void closingTheWholeConnectionIsTheExplicitChoice() {
        Connections.serve(layer.server.of("/"), Strict::new);
        Connections.serve(layer.server.of("/strict"), Strict::new,
                ConnectionOptions.builder().onBadEvent(ConnectionOptions.BadEventAction.CLOSE_CONNECTION).build());
        SocketLayer.TestClient client = layer.connect("/", null);
        client.send("0/strict,");
        client.take();
        client.send("2/strict,1[\"nope\"]");
        List<String> sent = client.take();
        assertEquals("3/strict,1[{\"error\":\"unknown_event\",\"message\":\"unknown event 'nope'\"}]", sent.get(0));
        assertTrue(layer.server.of("/").sockets().isEmpty(), "every namespace of the connection left: " + sent);
        assertTrue(layer.server.of("/strict").sockets().isEmpty());
    }

    @Test
    void theMainNamespaceExistsWithTheServer() {
        Connections.serve(layer.server.of("/chat"), Strict::new);
        SocketLayer.TestClient client = layer.connect("/", null);
        List<String> reply = client.take();
        assertEquals(1, reply.size());
        assertTrue(reply.get(0).startsWith("0{\"sid\":"), "a CONNECT reply, not Invalid namespace: " + reply);
    }

    @Test
    void aDynamicGroupMatchingTheMainNamespaceDoesNotTakeIt() {
        List<String> created = new java.util.ArrayList<>();
        layer.server.of((name, auth) -> {
            created.add(name);
            return Pattern.matches("/.*", name);
        }, "everything");
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.take().get(0).startsWith("0{\"sid\":"));
        assertEquals(List.of(), created, "\"/\" is static: the group is not asked");
        client.send("0/dyn,");
        assertTrue(client.take().get(0).startsWith("0/dyn,{\"sid\":"));
        assertEquals(List.of("/dyn"), created);
    }
}
