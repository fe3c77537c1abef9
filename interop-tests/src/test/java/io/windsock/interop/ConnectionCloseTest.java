package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.Ack;
import io.windsock.server.Connection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code conn().close()}, Node's {@code socket.conn.close()}: the server drops the connection as a
 * transport failure; the real socket.io-client 4.8 reconnects by itself and, with connection state
 * recovery on, is recovered with its id, rooms and the events it missed.
 */
class ConnectionCloseTest {
    @RegisterExtension
    final Interop interop = new Interop();

    public static class Dropping extends SocketConnection {
        @Event
        public void drop(Ack ack) {
            ack.send(conn().id());
            conn().close(); // what was queued before (the ack) is sent first
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClosedConnectionIsReconnectedAndRecovered(Transport transport) throws Exception {
        // Handshakes are refused while the test holds them: the reconnect waits until the missed events are stored.
        AtomicBoolean holding = new AtomicBoolean();
        Windsock server = interop.server(o -> o.ioThreads(2).connectionStateRecovery(ConnectionStateRecovery.defaults())
                .allowRequest(request -> !holding.get()));
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> disconnects = interop.mailbox("disconnects");
        server.of("/").onConnection(socket -> {
            if (!socket.recovered()) {
                socket.join("feed");
            }
            socket.onDisconnect(disconnects::put);
            socket.on("sync", (data, ack) -> ack.send());
            connections.put(socket);
        });

        {
            NodeClient node = interop.client();
            ClientSocket client = node.connect(interop.url(server, "/"), ReconnectingClient.options(transport));
            String id = client.expectConnect();
            if (transport == Transport.UPGRADE) {
                client.awaitUpgrade();
                // The client reports the upgrade once it has sent UPGRADE; an ack over the WebSocket,
                // read after that packet, proves the server has switched too.
                client.emitWithAck("sync");
            }
            Socket first = connections.take();
            Connection conn = first.conn();
            assertEquals(transport.finalTransport(), conn.transport());
            assertEquals(transport == Transport.UPGRADE, conn.isUpgraded());
            assertTrue(conn.remoteAddress().getAddress().isLoopbackAddress());
            assertFalse(conn.isClosed());
            assertNotEquals(id, conn.id(), "the connection's id is the Engine.IO session's, not the socket's");

            server.to("feed").emit("tick", 1);
            assertEquals(Json.array(1), ReconnectingClient.withoutOffset(client.expectEvent("tick")));

            holding.set(true);
            conn.close();
            assertEquals(DisconnectReason.FORCED_CLOSE, disconnects.take());
            assertTrue(conn.isClosed());
            server.to("feed").emit("tick", 2);
            server.to("feed").emit("tick", 3);
            assertEquals("transport close", client.expectDisconnect());
            holding.set(false);

            assertEquals(id, ReconnectingClient.awaitConnect(client), "the same socket id");
            Socket recovered = connections.take();
            assertTrue(recovered.recovered());
            assertTrue(recovered.rooms().contains("feed"));
            assertNotEquals(conn.id(), recovered.conn().id(), "a new connection");
            assertEquals(Json.array(2), ReconnectingClient.withoutOffset(client.expectEvent("tick")));
            assertEquals(Json.array(3), ReconnectingClient.withoutOffset(client.expectEvent("tick")));

            client.disconnect();
            assertEquals("io client disconnect", client.expectDisconnect());
            assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, disconnects.take());
            client.assertNothingMore();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aConnectionClassClosesItsConnectionAndTheClientComesBack(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2));
        Connections.serve(server.of("/"), Dropping::new);
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), ReconnectingClient.options(transport));
        String firstId = client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        String engineId = client.emitWithAck("drop").args().get(0).asText();
        assertNotEquals(firstId, engineId);
        assertEquals("transport close", client.expectDisconnect());
        String secondId = client.expectConnect(); // reconnected by itself: the close was not final
        assertNotEquals(firstId, secondId, "without recovery, a new socket");
        client.disconnect();
        assertEquals("io client disconnect", client.expectDisconnect());
        client.assertNothingMore();
    }

    /** Recovery on "/live" only: after the same drop, "/live" is recovered and "/plain" starts afresh. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void onlyTheNamespaceWithRecoveryIsRecovered(Transport transport) throws Exception {
        AtomicBoolean holding = new AtomicBoolean();
        Windsock server = interop.server(o -> o.ioThreads(2)
                .connectionStateRecovery("/live", ConnectionStateRecovery.defaults())
                .allowRequest(request -> !holding.get()));
        Mailbox<Socket> connections = interop.mailbox("connections");
        for (String name : new String[] {"/live", "/plain"}) {
            server.of(name).onConnection(connections::put);
        }
        NodeClient node = interop.client();
        ClientSocket live = node.connect(interop.url(server, "/live"), ReconnectingClient.options(transport));
        String liveId = live.expectConnect();
        Socket liveSocket = connections.take();
        ClientSocket plain = node.multiplex(live, "/plain", Map.of());
        String plainId = plain.expectConnect();
        Socket plainSocket = connections.take();
        assertSame(liveSocket.conn(), plainSocket.conn(), "one connection under both namespaces");

        server.of("/live").emit("e", 1);
        server.of("/plain").emit("e", 1);
        assertEquals(2, live.expectEvent("e").args().size(), "an offset last on /live");
        assertEquals(Json.array(1), plain.expectEvent("e").args(), "no offset on /plain");

        holding.set(true);
        liveSocket.conn().close();
        assertEquals("transport close", live.expectDisconnect());
        assertEquals("transport close", plain.expectDisconnect());
        server.of("/live").emit("e", 2);
        server.of("/plain").emit("e", 2); // nobody there, nothing stored
        holding.set(false);

        assertEquals(liveId, ReconnectingClient.awaitConnect(live));
        assertEquals(Json.array(2), ReconnectingClient.withoutOffset(live.expectEvent("e")));
        assertNotEquals(plainId, ReconnectingClient.awaitConnect(plain));
        Socket first = connections.take();
        Socket second = connections.take();
        for (Socket socket : List.of(first, second)) {
            assertEquals("/live".equals(socket.namespace().name()), socket.recovered(), socket::toString);
        }
        live.assertNothingMore();
        plain.assertNothingMore();
    }

    public static class Counting extends SocketConnection {
        private int count;

        @Event
        public int count() {
            return ++count;
        }
    }

    /** A connection class on the only namespace with recovery keeps its instance across conn().close(). */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void aConnectionClassOnANamespaceWithRecoveryKeepsItsInstance(Transport transport) throws Exception {
        Windsock server = interop.server(o -> o.ioThreads(2)
                .connectionStateRecovery("/live", ConnectionStateRecovery.defaults()));
        Connections.serve(server.of("/live"), Counting::new);
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/live").onConnection(connections::put);
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/live"), ReconnectingClient.options(transport));
        String id = client.expectConnect();
        assertEquals(Json.array(1), client.emitWithAck("count").args());
        assertEquals(Json.array(2), client.emitWithAck("count").args());
        server.of("/live").emit("e", 1); // a client asks to recover from the offset of the last event it got
        assertEquals(Json.array(1), ReconnectingClient.withoutOffset(client.expectEvent("e")));
        connections.take().conn().close();
        assertEquals("transport close", client.expectDisconnect());
        assertEquals(id, ReconnectingClient.awaitConnect(client));
        assertTrue(connections.take().recovered());
        assertEquals(Json.array(3), client.emitWithAck("count").args(), "the same instance, its field intact");
        client.assertNothingMore();
    }
}
