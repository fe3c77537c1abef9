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
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket upgrade that ws refuses (a key that is not 16 bytes in base64, a version other than
 * 13 and 8: 400; not a GET: 405) gets its answer and a closed connection, as from Node's ws, and
 * leaves nothing behind: not the session place a new session
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
            String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "GET", "Sec-WebSocket-Version: 13\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "the place was given back");
    }

    @Test
    void aKeyThatIsNotSixteenBytesInBase64IsRefusedAsWsRefusesIt() throws Exception {
        for (String key : new String[] {"x", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZ-=="}) {
            String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "GET",
                    "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), key + ": " + answer);
            assertTrue(answer.endsWith("\r\n\r\nMissing or invalid Sec-WebSocket-Key header"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
        }
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "no place kept");
    }

    @Test
    void aVersionWsDoesNotTakeIsRefusedWithTheVersionsItTakesAndTheConnectionClosed() throws Exception {
        // Read to the end: the answer is the last thing on the connection (Netty's 426 kept it open).
        String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "GET",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        String headers = answer.toLowerCase(Locale.ROOT);
        assertTrue(headers.contains("\r\nsec-websocket-version: 13, 8\r\n"), answer);
        assertTrue(headers.contains("\r\nconnection: close\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\nMissing or invalid Sec-WebSocket-Version header"), answer);
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "no place kept");
    }

    /** ws reads the version as a number: 013 is 13 there, and the upgrade goes through. */
    @Test
    void aVersionWsReadsAs13IsTaken() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 013\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "closed: " + head.toString(StandardCharsets.US_ASCII));
                head.write(b);
            }
            String answer = head.toString(StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="),
                    answer);
        }
    }

    @Test
    void aRepeatedVersionIsRefusedAsWsRefusesIt() throws Exception {
        String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "GET",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.endsWith("\r\n\r\nMissing or invalid Sec-WebSocket-Version header"), answer);
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "no place kept");
    }

    /**
     * An upgrade of a session that is not a GET passes engine.io's checks (only a handshake must be a
     * GET) and ws refuses it first of all, with 405; each is refused so, whatever its WebSocket headers.
     */
    @Test
    void anUpgradeThatIsNotAGetIsRefusedWith405AndTheSessionsPollsGoOn() throws Exception {
        String open = get("/socket.io/?EIO=4&transport=polling").body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\",\""));
        for (String headers : new String[] {"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
                "Sec-WebSocket-Version: 7\r\n"}) {
            String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket&sid=" + sid, "POST", headers);
            assertTrue(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\ncontent-type: text/html"), answer);
            assertTrue(answer.endsWith("\r\n\r\nInvalid HTTP method"), answer);
        }
        // A poll after the refused upgrade is not held for a WebSocket that never came: the server's
        // ping arrives within its interval (300 ms; the request times out well after).
        HttpResponse<String> poll = get("/socket.io/?EIO=4&transport=polling&sid=" + sid);
        assertEquals(200, poll.statusCode());
        assertEquals("2", poll.body());
    }

    /** A handshake must be a GET: engine.io refuses it before ws sees it, with its 400. */
    @Test
    void aHandshakeUpgradeThatIsNotAGetIsRefusedAsEngineIoRefusesIt() throws Exception {
        String answer = rawUpgrade("/socket.io/?EIO=4&transport=websocket", "POST",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.endsWith("\r\n\r\nBad handshake method"), answer);
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode(), "no place kept");
    }

    /**
     * Sends an upgrade request with these WebSocket headers (each line ending in CRLF).
     *
     * @return everything read until the server closes
     */
    private String rawUpgrade(String path, String method, String webSocketHeaders) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n" + webSocketHeaders + "Content-Length: 0\r\n\r\n")
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
