package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.sio1.Sio09Client;
import io.windsock.server.Protocol1Options;
import io.windsock.server.Socket;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server emits to a socket right before it disconnects it reaches the client before the
 * disconnect, as in socket.io (one write buffer per connection): on every generation of client and
 * every transport, for each way of disconnecting, from the socket's handler and from a thread of the
 * application's own (the real handler pool, several network threads).
 */
class EmitsBeforeAServerDisconnectTest {
    private static final int EVENTS = 50;
    private static final byte[] BLOB = {1, 2, 3, (byte) 0xff};

    @RegisterExtension
    final Interop interop = new Interop();

    enum Kick {
        /** {@code socket.disconnect(false)}: this namespace only. */
        LEAVE,
        /** {@code socket.disconnect(true)}: the whole connection. */
        CLOSE,
        /** {@code namespace.in(id).disconnectSockets(false)}. */
        DISCONNECT_SOCKETS
    }

    /** "go" names the kick and whether to make it from the handler or from a thread of its own. */
    private Windsock server(boolean binary) {
        Windsock server = interop.server(o -> o.ioThreads(Math.max(2, Interop.ioThreads()))
                .protocol1(Protocol1Options.builder().build()));
        server.of("/").onConnection(socket -> socket.on("go", (args, ack) -> {
            Kick kick = Kick.valueOf(args.get(0).toString());
            Runnable emitsThenKick = () -> {
                for (int i = 0; i < EVENTS; i++) {
                    socket.emit("e", i);
                }
                if (binary) {
                    socket.emit("blob", (Object) BLOB); // a packet and its attachment, last before the kick
                }
                kick(server, socket, kick);
            };
            if ("handler".equals(args.get(1))) {
                emitsThenKick.run();
            } else {
                new Thread(emitsThenKick, "application-thread").start();
            }
        }));
        return server;
    }

    private static void kick(Windsock server, Socket socket, Kick kick) {
        switch (kick) {
            case LEAVE -> socket.disconnect(false);
            case CLOSE -> socket.disconnect(true);
            case DISCONNECT_SOCKETS -> server.of("/").in(socket.id()).disconnectSockets(false);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void socketIoClient4(Transport transport) {
        assertOrdered(NodeClient.SCRIPT, transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void socketIoClient2(Transport transport) {
        assertOrdered("scripts/socketio-v2-driver.js", transport);
    }

    private void assertOrdered(String driver, Transport transport) {
        Windsock server = server(true);
        NodeClient node = interop.client(driver);
        for (Kick kick : Kick.values()) {
            for (String thread : new String[] {"handler", "own"}) {
                ClientSocket client = node.connect(interop.url(server, "/"), transport.clientOptions());
                client.expectConnect();
                if (transport == Transport.UPGRADE) {
                    client.awaitUpgrade();
                }
                client.emit("go", kick.name(), thread);
                String what = kick + " from the " + thread + " thread";
                for (int i = 0; i < EVENTS; i++) {
                    assertEquals(i, client.expectEvent("e").arg(0).asInt(), what);
                }
                ClientEvent blob = client.expectEvent("blob");
                assertTrue(Json.isBinary(blob.arg(0)), what + ": " + blob);
                assertArrayEquals(BLOB, Json.bytes(blob.arg(0)), what);
                assertEquals("io server disconnect", client.expectDisconnect(), what);
            }
        }
    }

    /** A 0.9 client is told {@code 0::} ("booted"); a namespace of its own would be told {@code 0::/nsp}. */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "xhr-polling"})
    void socketIoClient09(String transport) {
        Windsock server = server(false);
        Sio09Client client = new Sio09Client(interop);
        int n = 0;
        for (Kick kick : Kick.values()) {
            for (String thread : new String[] {"handler", "own"}) {
                String id = "c" + n++;
                client.connect(id, interop.url(server, "/"), transport, false, "e");
                client.expect(id, "connect");
                client.emit(id, "go", kick.name(), thread);
                String what = kick + " from the " + thread + " thread";
                for (int i = 0; i < EVENTS; i++) {
                    JsonNode event = client.expectEvent(id, "e");
                    assertEquals(i, event.get("args").get(0).asInt(), what);
                }
                assertEquals("booted", client.expect(id, "disconnect").get("reason").asText(), what);
            }
        }
    }
}
