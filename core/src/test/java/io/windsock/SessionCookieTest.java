package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.engine.SessionCookie;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * engine.io's {@code cookie} option over real HTTP: the long-polling handshake's response sets the
 * session id as a cookie, and nothing else does (not the requests after it, not a WebSocket opened
 * directly). The expected headers are those engine.io 6.6 wrote for the same options (its
 * {@code cookie: true}, and a custom one).
 */
class SessionCookieTest {
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(SessionCookie cookie) {
        server = Windsock.builder().options(WindsockOptions.builder().port(0)
                .engine(EngineOptions.builder().cookie(cookie).build()).build()).build().start();
    }

    private HttpResponse<String> request(String target, String post) throws Exception {
        return RawHttp.request(server.port(), target, post, 200);
    }

    private static String sid(HttpResponse<String> open) {
        return RawHttp.sid(open);
    }

    @Test
    void offByDefault() throws Exception {
        start(null);
        assertEquals(List.of(), request("/socket.io/?EIO=4&transport=polling", null).headers().allValues("set-cookie"));
    }

    @Test
    void thePollingHandshakeSetsTheSessionIdAsEngineIoDoesAndNothingAfterIt() throws Exception {
        start(SessionCookie.defaults());
        HttpResponse<String> open = request("/socket.io/?EIO=4&transport=polling", null);
        String sid = sid(open);
        assertEquals(List.of("io=" + sid + "; Path=/; HttpOnly; SameSite=Lax"), open.headers().allValues("set-cookie"));
        HttpResponse<String> post = request("/socket.io/?EIO=4&transport=polling&sid=" + sid, "40");
        assertEquals(List.of(), post.headers().allValues("set-cookie"));
        HttpResponse<String> poll = request("/socket.io/?EIO=4&transport=polling&sid=" + sid, null);
        assertTrue(poll.body().startsWith("40{"), poll.body());
        assertEquals(List.of(), poll.headers().allValues("set-cookie"));

        HttpResponse<String> v3 = request("/socket.io/?EIO=3&transport=polling&b64=1", null);
        assertEquals(List.of("io=" + sid(v3) + "; Path=/; HttpOnly; SameSite=Lax"), v3.headers().allValues("set-cookie"));
    }

    @Test
    void attributesInEngineIosOrder() throws Exception {
        start(SessionCookie.builder().name("sticky").path("/app").httpOnly(false).secure(true)
                .sameSite(SessionCookie.SameSite.STRICT).maxAge(Duration.ofHours(1)).build());
        HttpResponse<String> open = request("/socket.io/?EIO=4&transport=polling", null);
        // engine.io 6.6 with {name: "sticky", path: "/app", httpOnly: false, sameSite: "strict", secure: true, maxAge: 3600}
        assertEquals(List.of("sticky=" + sid(open) + "; Max-Age=3600; Path=/app; Secure; SameSite=Strict"),
                open.headers().allValues("set-cookie"));
        assertEquals("io=<sid>; Domain=example.com; HttpOnly; SameSite=None", SessionCookie.builder().path(null)
                .domain("example.com").sameSite(SessionCookie.SameSite.NONE).build().toString());
    }

    @Test
    void aWebSocketOpenedDirectlyGetsNoCookie() throws Exception {
        start(SessionCookie.defaults());
        String head = RawHttp.webSocketHead(server.port(), "/socket.io/?EIO=4&transport=websocket");
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("set-cookie"), head);
    }

    @Test
    void aNameOrAttributeThatWouldBreakTheHeaderIsRefused() {
        for (String name : new String[] {"", "a b", "a;b", "a=b", "é"}) {
            assertThrows(IllegalArgumentException.class, () -> SessionCookie.builder().name(name), name);
        }
        assertThrows(IllegalArgumentException.class, () -> SessionCookie.builder().path("/a;b"));
        assertThrows(IllegalArgumentException.class, () -> SessionCookie.builder().domain("a\r\nb"));
        assertThrows(IllegalArgumentException.class, () -> SessionCookie.builder().maxAge(Duration.ofSeconds(-1)));
    }
}
