package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.RawHttp.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the Node server answers on polling that the official suites do not check: {@code cache-control:
 * no-store} on every polling response, and 400 {@code {"code":3}} for a known sid asked with another
 * Engine.IO revision (the reference's PROTOCOL_MISMATCH), which leaves the session alone.
 */
class PollingResponsesTest {
    private static final String PATH = "/socket.io/";
    private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";

    @RegisterExtension
    final Interop interop = new Interop();

    private int port;

    @BeforeEach
    void start() {
        Windsock server = interop.server(o -> o.ioThreads(2));
        server.of("/").onConnection(socket -> { });
        port = server.port();
    }

    @Test
    void pollingResponsesAreNeverCached() {
        Response open = RawHttp.request(port, "GET", PATH + "?EIO=4&transport=polling", null);
        assertEquals("no-store", open.header("cache-control"));
        String sid = sidOf(open);
        Response post = RawHttp.request(port, "POST", polling(sid, "4"), "40");
        assertEquals("ok", post.body());
        assertEquals("no-store", post.header("cache-control"));
        Response poll = RawHttp.request(port, "GET", polling(sid, "4"), null);
        assertTrue(poll.body().startsWith("40{"));
        assertEquals("no-store", poll.header("cache-control"));
    }

    @Test
    void aKnownSidWithAnotherProtocolRevisionIsRefused() {
        String sid = sidOf(RawHttp.request(port, "GET", PATH + "?EIO=4&transport=polling", null));
        for (String eio : new String[] {"3", "5", "", null}) {
            Response get = RawHttp.request(port, "GET", polling(sid, eio), null);
            assertEquals(400, get.status(), "GET with EIO=" + eio);
            assertEquals(BAD_REQUEST, get.body());
            Response post = RawHttp.request(port, "POST", polling(sid, eio), "40");
            assertEquals(400, post.status(), "POST with EIO=" + eio);
            assertEquals(BAD_REQUEST, post.body());
        }
        try (RawHttp raw = RawHttp.connect(port)) {
            Response upgrade = raw.upgrade(PATH + "?EIO=3&transport=websocket&sid=" + sid);
            assertEquals(400, upgrade.status());
            assertEquals("Bad request", upgrade.body());
        }
        // The session is untouched: it still joins and answers on EIO=4.
        assertEquals("ok", RawHttp.request(port, "POST", polling(sid, "4"), "40").body());
        assertTrue(RawHttp.request(port, "GET", polling(sid, "4"), null).body().startsWith("40{\"sid\":\""));
    }

    private static String sidOf(Response open) {
        assertEquals(200, open.status());
        return open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private static String polling(String sid, String eio) {
        return PATH + "?" + (eio == null ? "" : "EIO=" + eio + "&") + "transport=polling&sid=" + sid;
    }
}
