package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Over a real WebSocket: an event a connection middleware emits reaches the client, which has
 * connected (its order after the CONNECT reply is checked in the socket layer's own tests).
 */
class ConnectingEmitDeliveryTest {
    @Test
    void aClientReceivesTheEventAMiddlewareEmitted() throws Exception {
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).build())
                .namespace("/", ns -> ns.use(socket -> socket.emit("welcome", 1)))
                .build().start();
        try {
            CompletableFuture<String> welcome = new CompletableFuture<>();
            V4TestClient client = V4TestClient.open(HttpClient.newHttpClient(), server.port(), null, packet -> {
                if (packet.startsWith("42")) {
                    welcome.complete(packet);
                }
            });
            client.joined().get(10, TimeUnit.SECONDS);
            assertEquals("42[\"welcome\",1]", welcome.get(10, TimeUnit.SECONDS));
            client.close();
        } finally {
            server.stop();
        }
    }
}
