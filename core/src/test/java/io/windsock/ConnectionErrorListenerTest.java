package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.ConnectionError;
import io.windsock.server.WindsockOptions;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every refused Engine.IO request reaches the connection error listener with engine.io's code and message
 * (Node's {@code io.engine.on("connection_error")}), through real HTTP requests; the refusal is answered
 * as before, and a listener that throws changes nothing for the client.
 */
class ConnectionErrorListenerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<ConnectionError> errors = new LinkedBlockingQueue<>();
    private volatile boolean listenerThrows;
    private Windsock server;

    @BeforeEach
    void start() {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0)
                        .allowRequest(request -> request.header("x-refuse") == null)
                        .connectionErrors(error -> {
                            errors.add(error);
                            if (listenerThrows) {
                                throw new IllegalStateException("a listener's own failure");
                            }
                        })
                        .build())
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET  | /socket.io/?EIO=4&transport=carrier-pigeon        | 400 | 0 | Transport unknown            | a transport the server does not offer",
        "GET  | /socket.io/?EIO=4                                 | 400 | 0 | Transport unknown            | no transport",
        "GET  | /socket.io/?EIO=4&transport=polling&sid=nope       | 400 | 1 | Session ID unknown           | no such session",
        "POST | /socket.io/?EIO=4&transport=polling                | 400 | 2 | Bad handshake method         | a handshake by POST",
        "GET  | /socket.io/?EIO=4&transport=websocket              | 400 | 3 | Bad request                  | transport=websocket without an upgrade",
        "GET  | /socket.io/?EIO=3&transport=polling&j=0            | 400 | 3 | Bad request                  | JSONP (j=) when it is off, or with an index other than digits",
        "GET  | /socket.io/?EIO=5&transport=polling                | 400 | 5 | Unsupported protocol version | EIO neither 4 nor 3",
    })
    void aRefusedRequestIsReportedWithEngineIosCodeAndMessage(String method, String target, int status, int code,
                                                             String message, String detail) throws Exception {
        HttpResponse<String> response = send(method, target, Map.of());
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("{\"code\":" + code + ",\"message\":\"" + message + "\"}", response.body());
        ConnectionError error = errors.poll(10, TimeUnit.SECONDS);
        assertEquals(code, error.code());
        assertEquals(message, error.message());
        assertEquals(detail, error.detail());
        assertEquals(method, error.request().method());
        assertEquals(target, error.request().uri());
        assertEquals(InetAddress.getLoopbackAddress(), error.request().remoteAddress().getAddress());
        assertTrue(errors.isEmpty(), "reported once: " + errors);
    }

    @Test
    void aRequestAllowRequestRefusesIsReportedWithItsHeadersAndQuery() throws Exception {
        HttpResponse<String> response = send("GET", "/socket.io/?EIO=4&transport=polling&token=abc", Map.of("x-refuse", "yes"));
        assertEquals(403, response.statusCode());
        ConnectionError error = errors.poll(10, TimeUnit.SECONDS);
        assertEquals(4, error.code());
        assertEquals("Forbidden", error.message());
        assertEquals("allowRequest refused it", error.detail());
        assertEquals("yes", error.request().header("X-Refuse"));
        assertEquals(List.of("abc"), error.request().query().get("token"));
    }

    @Test
    void aMalformedQueryIsReportedWithNone() throws Exception {
        // Sent raw: the JDK's client refuses to send such a target.
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling&x=%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        ConnectionError error = errors.poll(10, TimeUnit.SECONDS);
        assertEquals(3, error.code());
        assertEquals("a malformed escape in the request target", error.detail());
        assertEquals(Map.of(), error.request().query());
    }

    @Test
    void anUpgradeOfAnUnknownSessionIsReported() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket&sid=nope");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        ConnectionError error = errors.poll(10, TimeUnit.SECONDS);
        assertEquals(1, error.code(), String.valueOf(refused.getCause()));
        assertEquals("Session ID unknown", error.message());
        assertEquals("GET", error.request().method());
        assertEquals("websocket", error.request().queryParam("transport"));
    }

    @Test
    void aWebSocketFromAForeignOriginIsReported() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket");
        assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder().header("Origin", "http://elsewhere.example")
                .buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        ConnectionError error = errors.poll(10, TimeUnit.SECONDS);
        assertEquals(4, error.code());
        assertEquals("Forbidden", error.message());
        assertEquals("a WebSocket from a page of a foreign origin", error.detail());
        assertEquals("http://elsewhere.example", error.request().header("origin"));
    }

    @Test
    void aListenerThatThrowsChangesNothingForTheClients() throws Exception {
        listenerThrows = true;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = send("GET", "/socket.io/?EIO=4&transport=polling&sid=nope", Map.of());
            assertEquals(400, response.statusCode());
            assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", response.body());
            assertEquals(1, errors.poll(10, TimeUnit.SECONDS).code());
        }
        HttpResponse<String> open = send("GET", "/socket.io/?EIO=4&transport=polling", Map.of());
        assertEquals(200, open.statusCode());
        assertTrue(open.body().startsWith("0{\"sid\""), open.body());
        assertNull(errors.poll(200, TimeUnit.MILLISECONDS), "a handshake that succeeds is not reported");
    }

    private HttpResponse<String> send(String method, String target, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target))
                .method(method, "POST".equals(method) ? HttpRequest.BodyPublishers.ofString("1:6")
                        : HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
