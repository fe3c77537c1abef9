package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.EngineRequest;
import io.windsock.engine.ResponseHeaders;
import io.windsock.engine.SessionCookie;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * engine.io's {@code "initial_headers"} and {@code "headers"} events as {@link EngineOptions.Builder#initialHeaders}
 * and {@link EngineOptions.Builder#headers}, over real HTTP. As engine.io 6.6 emits them (its
 * {@code Server.handshake} and {@code handleUpgrade}): the initial listener on the response to a
 * request without {@code sid} (long-polling handshake, v4 and v3, or a WebSocket opened directly),
 * after the session cookie is set; the other on every polling response and every 101, after it;
 * neither on an error response.
 */
class ResponseHeadersTest {
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** The initial listener adds a second cookie, as socket.io's docs show; the other names the request. */
    private void start() {
        EngineOptions engine = EngineOptions.builder().cookie(SessionCookie.defaults())
                .initialHeaders((headers, request) -> {
                    headers.add("Set-Cookie", "uid=1234; SameSite=Strict");
                    headers.set("X-Initial", request.queryParam("transport"));
                })
                .headers((headers, request) -> {
                    headers.set("X-Every", describe(request) + (headers.get("X-Initial") != null ? " after initial" : ""));
                    tryRefused(headers);
                })
                .build();
        server = Windsock.builder().options(WindsockOptions.builder().port(0).engine(engine).build()).build().start();
    }

    private static String describe(EngineRequest request) {
        return request.method() + " " + request.queryParam("transport") + (request.queryParam("sid") != null ? " sid" : "");
    }

    private void tryRefused(ResponseHeaders headers) {
        String[][] attempts = {{"Content-Length", "1"}, {"connection", "close"}, {"Sec-WebSocket-Accept", "x"},
                {"Upgrade", "h2c"}, {"Transfer-Encoding", "chunked"}, {"a b", "1"}, {"", "1"}, {"X-Split", "a\r\nb"},
                {"X-Euro", "\u20ac"}};
        for (String[] attempt : attempts) {
            try {
                headers.set(attempt[0], attempt[1]);
                refused.add("accepted " + attempt[0]);
            } catch (IllegalArgumentException expected) {
                // what the test wants
            }
        }
        headers.set("X-Latin1", "caf\u00e9 ok"); // Latin-1 is allowed
    }

    private HttpResponse<String> request(String target, String post, int status) throws Exception {
        return RawHttp.request(server.port(), target, post, status);
    }

    private static String sid(HttpResponse<String> open) {
        return RawHttp.sid(open);
    }

    @Test
    void pollingResponses() throws Exception {
        start();
        HttpResponse<String> open = request("/socket.io/?EIO=4&transport=polling", null, 200);
        String sid = sid(open);
        assertEquals(List.of("io=" + sid + "; Path=/; HttpOnly; SameSite=Lax", "uid=1234; SameSite=Strict"),
                open.headers().allValues("set-cookie"), "the initial listener sees the session cookie and adds one");
        assertEquals(Optional.of("polling"), open.headers().firstValue("x-initial"));
        assertEquals(Optional.of("GET polling after initial"), open.headers().firstValue("x-every"));
        assertEquals(Optional.of("no-store"), open.headers().firstValue("cache-control"), "the server's own stay");

        HttpResponse<String> post = request("/socket.io/?EIO=4&transport=polling&sid=" + sid, "40", 200);
        assertEquals("ok", post.body());
        assertEquals(Optional.empty(), post.headers().firstValue("x-initial"));
        assertEquals(Optional.of("POST polling sid"), post.headers().firstValue("x-every"));
        assertEquals(List.of(), post.headers().allValues("set-cookie"));
        HttpResponse<String> poll = request("/socket.io/?EIO=4&transport=polling&sid=" + sid, null, 200);
        assertTrue(poll.body().startsWith("40{"), poll.body());
        assertEquals(Optional.of("GET polling sid"), poll.headers().firstValue("x-every"));
        assertEquals(Optional.of("caf\u00e9 ok"), poll.headers().firstValue("x-latin1"));
        assertEquals(Optional.of("2"), post.headers().firstValue("content-length"), "the framing stays the server's");

        HttpResponse<String> v3 = request("/socket.io/?EIO=3&transport=polling&b64=1", null, 200);
        assertEquals(Optional.of("polling"), v3.headers().firstValue("x-initial"));
        assertEquals(Optional.of("GET polling after initial"), v3.headers().firstValue("x-every"));
        assertEquals(List.of(), refused, "framing headers, bad names and bad values are refused");
    }

    @Test
    void errorResponsesGetNeither() throws Exception {
        start();
        HttpResponse<String> unknown = request("/socket.io/?EIO=4&transport=polling&sid=nope", null, 400);
        assertEquals(Optional.empty(), unknown.headers().firstValue("x-every"));
        HttpResponse<String> badTransport = request("/socket.io/?EIO=4&transport=carrier-pigeon", null, 400);
        assertEquals(Optional.empty(), badTransport.headers().firstValue("x-initial"));
        assertEquals(Optional.empty(), badTransport.headers().firstValue("x-every"));
    }

    @Test
    void webSocket101s() throws Exception {
        start();
        String direct = upgrade("/socket.io/?EIO=4&transport=websocket");
        assertTrue(direct.startsWith("HTTP/1.1 101"), direct);
        assertTrue(direct.contains("x-initial: websocket\r\n"), direct);
        assertTrue(direct.contains("x-every: GET websocket after initial\r\n"), direct);
        assertTrue(direct.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), direct);
        assertFalse(direct.contains("set-cookie: io="), "as engine.io: no session cookie on a WebSocket");
        assertTrue(direct.contains("set-cookie: uid=1234; SameSite=Strict\r\n"), "but what the listener adds");

        String sid = sid(request("/socket.io/?EIO=4&transport=polling", null, 200));
        String upgrade = upgrade("/socket.io/?EIO=4&transport=websocket&sid=" + sid);
        assertTrue(upgrade.startsWith("HTTP/1.1 101"), upgrade);
        assertFalse(upgrade.contains("x-initial"), upgrade);
        assertTrue(upgrade.contains("x-every: GET websocket sid\r\n"), upgrade);
        assertEquals(List.of(), refused);
    }

    @Test
    void aListenerThatThrowsLeavesTheResponseWithWhatItSetBefore() throws Exception {
        EngineOptions engine = EngineOptions.builder()
                .initialHeaders((headers, request) -> {
                    headers.set("X-Before", "1");
                    throw new IllegalStateException("a bug in the application");
                })
                .headers((headers, request) -> headers.set("X-Every", "still called"))
                .build();
        server = Windsock.builder().options(WindsockOptions.builder().port(0).engine(engine).build()).build().start();
        HttpResponse<String> open = request("/socket.io/?EIO=4&transport=polling", null, 200);
        assertTrue(open.body().startsWith("0{"), open.body());
        assertEquals(Optional.of("1"), open.headers().firstValue("x-before"));
        assertEquals(Optional.of("still called"), open.headers().firstValue("x-every"));
    }

    /** @return the head of the server's answer to a WebSocket upgrade, its header names in lower case */
    private String upgrade(String target) throws Exception {
        return lowerCaseNames(RawHttp.webSocketHead(server.port(), target));
    }

    private static String lowerCaseNames(String head) {
        StringBuilder lowered = new StringBuilder();
        for (String line : head.split("\r\n", -1)) {
            int colon = line.indexOf(':');
            lowered.append(colon < 0 || line.startsWith("HTTP/") ? line
                    : line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon)).append("\r\n");
        }
        return lowered.toString();
    }
}
