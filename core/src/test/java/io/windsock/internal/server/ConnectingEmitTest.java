package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Rejection;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What a socket emits while it connects (from a connection middleware) is held and goes out right
 * after its CONNECT reply; it is dropped only if the socket never connects.
 */
class ConnectingEmitTest {
    @Test
    void anEmitFromAMiddlewareFollowsTheConnectReply() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        layer.server.of("/").use(socket -> socket.emit("welcome", 1));
        List<String> out = layer.connect("/", null).take();
        assertEquals(2, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("0{\"sid\":"), out.get(0));
        assertEquals("2[\"welcome\",1]", out.get(1));
    }

    @Test
    void withRecoveryTheEventIsNumberedLikeAnyEmit() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder()
                .connectionStateRecovery(ConnectionStateRecovery.defaults()).build());
        layer.server.of("/").use(socket -> socket.emit("welcome", 1));
        List<String> out = layer.connect("/", null).take();
        assertEquals(2, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("0{\"sid\":"), out.get(0));
        assertTrue(out.get(1).matches("2\\[\"welcome\",1,\"[^\"]+\"]"), "with its offset: " + out.get(1));
    }

    @Test
    void anEmitWithAckFromAMiddlewareIsSentAndAnswered() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        List<CompletableFuture<List<Object>>> answers = new ArrayList<>();
        layer.server.of("/").use(socket -> answers.add(socket.emitWithAck(java.time.Duration.ofSeconds(5), "ready?")));
        SocketLayer.TestClient client = layer.connect("/", null);
        List<String> out = client.take();
        assertEquals(2, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("0{\"sid\":"), out.get(0));
        assertEquals("20[\"ready?\"]", out.get(1));
        client.send("30[\"yes\"]");
        assertEquals(List.of("yes"), answers.get(0).join());
    }

    @Test
    void anEmitBeforeARefusalNeverReachesTheClient() {
        SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
        layer.server.of("/").use(socket -> {
            socket.emit("welcome", 1);
            throw new Rejection("no");
        });
        List<String> out = layer.connect("/", null).take();
        assertEquals(1, out.size(), out::toString);
        assertTrue(out.get(0).startsWith("4"), out.get(0));
    }
}
