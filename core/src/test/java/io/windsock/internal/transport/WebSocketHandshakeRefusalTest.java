package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.server.WindsockOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket upgrade that Netty's handshaker refuses (no key, not a GET) gets 400 and a closed
 * connection, as from Node's ws, and leaves nothing behind: not the session place a new session
 * reserved, not the polls of the session it meant to upgrade.
 */
class WebSocketHandshakeRefusalTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;

    @BeforeEach
    void start() throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).maxSessions(1)
                        .engine(EngineOptions.builder().pingInterval(Duration.ofMillis(300)).build()).build())
                .namespace("/", ns -> { })
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aNewSessionsUpgradeWithoutAKeyIsRefusedAndItsPlaceFreed() throws Exception {
        for (int i = 0; i < 3; i++) { // more than maxSessions: each place must come back
            String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "GET");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "the place was given back");
    }

    @Test
    void anUpgradeThatIsNotAGetIsRefusedAndTheSessionsPollsGoOn() throws Exception {
        String open = get("/socket.io/?EIO=4&transport=polling").body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\",\""));
        String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket&sid=" + sid, "POST");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        // A poll after the refused upgrade is not held for a WebSocket that never came: the server's
        // ping arrives within its interval (300 ms; the request times out well after).
        HttpResponse<String> poll = get("/socket.io/?EIO=4&transport=polling&sid=" + sid);
        assertEquals(200, poll.statusCode());
        assertEquals("2", poll.body());
    }

    /** Sends an upgrade request with no Sec-WebSocket-Key; @return everything read until the server closes. */
    private String rawUpgrade(String path, String method) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) >= 0) { // ends when the server closes
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.US_ASCII);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
