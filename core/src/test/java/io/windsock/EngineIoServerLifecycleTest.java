package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.WindsockOptions;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The raw Engine.IO server starts once and stops for good, as {@link Windsock} does: a second start
 * used to bind a second port and lose the first server, and a start after a stop served with the
 * default executor shut down, so listeners ran on the network threads.
 */
class EngineIoServerLifecycleTest {
    private static final String HOST = "127.0.0.1";
    private final HttpClient http = HttpClient.newHttpClient();

    private static EngineIoServer newServer() {
        return new EngineIoServer(WindsockOptions.builder().host(HOST).port(0).path("/engine.io/").build(),
                new EngineIoServer.Listener() {
                    @Override
                    public void onOpen(EngineIoServer.Connection connection) {
                    }

                    @Override
                    public void onMessage(EngineIoServer.Connection connection, String text) {
                    }

                    @Override
                    public void onBinary(EngineIoServer.Connection connection, byte[] data) {
                    }

                    @Override
                    public void onClose(EngineIoServer.Connection connection, String reason) {
                    }
                });
    }

    @Test
    void aSecondStartThrowsAndTheFirstServerStaysReachableAndStoppable() throws Exception {
        EngineIoServer server = newServer().start();
        int port = server.port();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
            assertTrue(e.getMessage().contains("already started"), e.getMessage());
            assertEquals(port, server.port());
            assertEquals(200, handshake(port).statusCode());
        } finally {
            server.stop();
        }
        assertRefused(port);
    }

    @Test
    void aStoppedServerDoesNotStartAgain() {
        EngineIoServer server = newServer().start();
        server.stop();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        server.stop(); // idempotent

        EngineIoServer neverStarted = newServer();
        neverStarted.close();
        assertThrows(IllegalStateException.class, neverStarted::start);
        assertEquals(-1, neverStarted.port());
    }

    private HttpResponse<String> handshake(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/engine.io/?EIO=4&transport=polling"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 5000);
            }
        }, "something still listens on " + port);
    }
}
