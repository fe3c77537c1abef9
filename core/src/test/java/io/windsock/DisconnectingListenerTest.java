package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Disconnecting listeners (Node's {@code disconnecting}) see the rooms the socket was in as it left
 * and can tell them; the disconnect listeners after them see none, unless the socket left with a
 * session to keep for a recovery: then they see that session's rooms, their own joins included.
 * Handlers on the default pool, two network threads.
 */
class DisconnectingListenerTest {

    @Test
    void disconnectingListenersSeeTheRoomsAndTellThem() throws Exception {
        BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).build())
                .namespace("/", ns -> ns.onConnection(socket -> {
                    socket.join("lobby");
                    connected.add(socket);
                }))
                .build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (int round = 0; round < 5; round++) {
                BlockingQueue<String> stayerGot = new LinkedBlockingQueue<>();
                V4TestClient leaver = V4TestClient.connect(http, server.port());
                Socket leaving = connected.poll(10, TimeUnit.SECONDS);
                V4TestClient stayer = V4TestClient.connect(http, server.port(), stayerGot::add);
                connected.poll(10, TimeUnit.SECONDS);

                CompletableFuture<Set<String>> roomsWhileDisconnecting = new CompletableFuture<>();
                CompletableFuture<Set<String>> roomsOnDisconnect = new CompletableFuture<>();
                List<String> order = new ArrayList<>(); // the socket's executor only
                leaving.onDisconnect(reason -> {
                    order.add("disconnect");
                    roomsOnDisconnect.complete(leaving.rooms());
                });
                leaving.onDisconnecting(reason -> {
                    order.add("disconnecting " + reason);
                    Set<String> rooms = leaving.rooms();
                    roomsWhileDisconnecting.complete(rooms);
                    for (String room : rooms) {
                        if (!room.equals(leaving.id())) {
                            leaving.to(room).emit("left", room);
                        }
                    }
                });

                leaver.close();
                assertEquals(Set.of(leaving.id(), "lobby"), roomsWhileDisconnecting.get(10, TimeUnit.SECONDS));
                assertEquals(Set.of(), roomsOnDisconnect.get(10, TimeUnit.SECONDS));
                assertEquals(List.of("disconnecting " + DisconnectReason.TRANSPORT_CLOSE, "disconnect"), order);
                assertEquals("42[\"left\",\"lobby\"]", stayerGot.poll(10, TimeUnit.SECONDS));
                stayer.close();
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void withASessionToKeepTheDisconnectListenersSeeItsRooms() throws Exception {
        BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .connectionStateRecovery(ConnectionStateRecovery.defaults()).build())
                .namespace("/", ns -> ns.onConnection(socket -> {
                    socket.join("lobby");
                    connected.add(socket);
                }))
                .build().start();
        try {
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port());
            Socket leaving = connected.poll(10, TimeUnit.SECONDS);
            CompletableFuture<Set<String>> roomsOnDisconnect = new CompletableFuture<>();
            leaving.onDisconnect(reason -> {
                leaving.join("late");
                roomsOnDisconnect.complete(leaving.rooms());
            });
            client.close(); // "transport close": recoverable
            assertEquals(Set.of(leaving.id(), "lobby", "late"), roomsOnDisconnect.get(10, TimeUnit.SECONDS));
        } finally {
            server.stop();
        }
    }
}
