package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.RawHttp;
import io.windsock.interop.harness.RawHttp.Response;
import io.windsock.interop.harness.Transport;
import io.windsock.engine.CorsOptions;
import io.windsock.server.WindsockOptions;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-site WebSocket hijacking: a WebSocket (handshake or upgrade) from a page of a foreign origin is
 * refused with 403 before the 101 and never reaches a namespace; allowed, same-origin and Origin-less
 * (non-browser) requests pass. Real server, two event loops.
 */
class WebSocketOriginTest {
    private static final String PATH = "/socket.io/";
    private static final String WEBSOCKET = PATH + "?EIO=4&transport=websocket";
    private static final String GOOD = "Origin: https://good.example";
    private static final String EVIL = "Origin: https://evil.example";

    @RegisterExtension
    final Interop interop = new Interop();

    private Mailbox<String> joined;

    private Windsock server(UnaryOperator<WindsockOptions.Builder> options) {
        Windsock server = interop.server(o -> options.apply(o.ioThreads(2)));
        joined = interop.mailbox("sockets that joined /");
        server.of("/").onConnection(socket -> joined.put(socket.id()));
        return server;
    }

    private Windsock corsServer() {
        return server(o -> o.cors(CorsOptions.allowOrigins("https://good.example").build()));
    }

    @Test
    void aCrossOriginWebSocketHandshakeIsRefusedAndNeverJoins() {
        Windsock server = corsServer();
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(403, raw.upgrade(WEBSOCKET, EVIL).status());
            raw.write(RawHttp.maskedTextFrame("40"));  // as if the handshake had worked: must go nowhere
            assertTrue(raw.closedByServer(), "the refused connection stayed open");
        }
        assertOnlyAWellBehavedClientJoins(server);
    }

    @Test
    void aCrossOriginUpgradeIsRefusedAndTheSessionStaysOnPolling() {
        Windsock server = corsServer();
        String sid = handshake(server.port());
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(403, raw.upgrade(WEBSOCKET + "&sid=" + sid, EVIL).status());
            raw.write(RawHttp.maskedTextFrame("2probe"));
            raw.write(RawHttp.maskedTextFrame("5"));
            assertTrue(raw.closedByServer(), "the refused connection stayed open");
        }
        // The session was not upgraded: it still answers on polling, and joins / from there.
        assertEquals("ok", RawHttp.request(server.port(), "POST", polling(sid), "40").body());
        assertTrue(RawHttp.request(server.port(), "GET", polling(sid), null).body().startsWith("40{\"sid\":\""));
        joined.take();
    }

    @Test
    void anAllowedOriginPassesOnHandshakeAndUpgrade() {
        Windsock server = corsServer();
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(101, raw.upgrade(WEBSOCKET, GOOD).status());
        }
        String sid = handshake(server.port());
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(101, raw.upgrade(WEBSOCKET + "&sid=" + sid, GOOD).status());
        }
    }

    @Test
    void aRequestWithoutOriginPasses() {
        Windsock server = corsServer();
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(101, raw.upgrade(WEBSOCKET).status());
        }
        assertOnlyAWellBehavedClientJoins(server);  // Node's socket.io-client sends no Origin
    }

    @Test
    void withoutCorsOnlySameOriginPagesOpenWebSockets() {
        Windsock server = server(o -> o);
        int port = server.port();
        try (RawHttp raw = RawHttp.connect(port)) {
            assertEquals(403, raw.upgrade(WEBSOCKET, EVIL).status());
        }
        try (RawHttp raw = RawHttp.connect(port)) {
            // RawHttp sends Host: 127.0.0.1:port, so this page is same-origin.
            assertEquals(101, raw.upgrade(WEBSOCKET, "Origin: http://127.0.0.1:" + port).status());
        }
        try (RawHttp raw = RawHttp.connect(port)) {
            assertEquals(403, raw.upgrade(WEBSOCKET, "Origin: http://127.0.0.1:" + (port + 1)).status());
        }
        try (RawHttp raw = RawHttp.connect(port)) {
            assertEquals(403, raw.upgrade(WEBSOCKET, "Origin: null").status());
        }
    }

    @Test
    void theCheckCanBeTurnedOffOrOpenedToAnyOrigin() {
        Windsock open = server(o -> o.checkWebSocketOrigin(false));
        try (RawHttp raw = RawHttp.connect(open.port())) {
            assertEquals(101, raw.upgrade(WEBSOCKET, EVIL).status());
        }
        Windsock any = server(o -> o.cors(CorsOptions.anyOrigin()));
        try (RawHttp raw = RawHttp.connect(any.port())) {
            assertEquals(101, raw.upgrade(WEBSOCKET, EVIL).status());
        }
    }

    private void assertOnlyAWellBehavedClientJoins(Windsock server) {
        var socket = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        assertEquals(socket.expectConnect(), joined.take(), "the first socket to join / is the well-behaved client");
    }

    private static String handshake(int port) {
        Response open = RawHttp.request(port, "GET", PATH + "?EIO=4&transport=polling", null);
        assertEquals(200, open.status());
        return open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private static String polling(String sid) {
        return PATH + "?EIO=4&transport=polling&sid=" + sid;
    }
}
