package io.windsock.interop.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client kicked right after its polling→WebSocket upgrade (the browser's normal path) must be
 * told: it sees "io server disconnect", never "transport close", which would make socket.io-client
 * reconnect by itself. The server runs on three or more loops: socket.io-client opens its WebSocket
 * two connections after its polling handshake and Netty deals connections to its loops in turn, so
 * the WebSocket is accepted on another loop than the one the session was made on (the layout in
 * which the DISCONNECT used to be lost).
 */
class KickAfterUpgradeTest {
    /** Rounds per kind of kick; each is a fresh client connection. */
    private static final int ROUNDS = Integer.getInteger("windsock.interop.kickRounds", 200);

    @RegisterExtension
    final Interop interop = new Interop();

    enum Kick {
        /** {@code socket.disconnect(true)}. */
        SOCKET_DISCONNECT,
        /** {@code namespace.in(socket id).disconnectSockets(true)}. */
        DISCONNECT_SOCKETS
    }

    @ParameterizedTest
    @EnumSource(Kick.class)
    void aClientKickedRightAfterItsUpgradeIsToldEveryTime(Kick kick) {
        Windsock server = interop.server(o -> o.ioThreads(Math.max(3, Interop.ioThreads())));
        server.of("/").onConnection(socket -> socket.on("kick me", (args, ack) -> {
            if (kick == Kick.SOCKET_DISCONNECT) {
                socket.disconnect(true);
            } else {
                server.of("/").in(socket.id()).disconnectSockets(true);
            }
        }));
        NodeClient node = interop.client();
        Map<String, Integer> reasons = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            ClientSocket client = node.connect(interop.url(server, "/"), Transport.UPGRADE.clientOptions());
            client.expectConnect();
            client.awaitUpgrade();
            client.emit("kick me");
            reasons.merge(client.expectDisconnect(), 1, Integer::sum);
        }
        assertEquals(Map.of("io server disconnect", ROUNDS), reasons, "disconnect reasons over " + ROUNDS + " kicks");
    }
}
