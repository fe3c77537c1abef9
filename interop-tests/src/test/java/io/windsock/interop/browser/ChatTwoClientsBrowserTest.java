package io.windsock.interop.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.examples.chat.ChatServer;
import io.windsock.interop.browser.Browser.Page;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.server.Ack;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * socket.io-client 2.x's browser build, as the demo serves it, in Chromium: a 2.x page and a 4.x page
 * chat together; then the 2.x page sends binary over XHR polling (binary payloads), WebSocket, and JSONP
 * to a server that turned JSONP on (the demo, on the defaults, refuses it).
 */
class ChatTwoClientsBrowserTest {
    /** Opens a 2.x connection to an /echo URL and sends bytes and text with an ack; gives what came back. */
    private static final String ECHO = """
            new Promise((resolve, reject) => {
              const socket = io('%s', { forceNew: true, reconnection: false, %s });
              socket.on('error', reject);
              socket.on('connect_error', (e) => reject(new Error('connect_error: ' + e)));
              socket.on('connect', () => {
                const transport = socket.io.engine.transport;
                socket.emit('reverse', new Uint8Array([1, 2, 3, 255]).buffer, 'line\\n"two" é', (bytes, text) => {
                  resolve({ transport: transport.name, binaryPayloads: transport.supportsBinary === true,
                            jsonp: transport.index !== undefined, bytes: Array.from(new Uint8Array(bytes)), text });
                  socket.close();
                });
              });
            })""";

    /** Tries a 2.x JSONP connection: gives "connected" or "refused". */
    private static final String JSONP_TRY = """
            new Promise((resolve) => {
              const socket = io('%s', { forceNew: true, reconnection: false, transports: ['polling'], forceJSONP: true });
              socket.on('connect', () => { resolve('connected'); socket.close(); });
              socket.on('connect_error', () => { resolve('refused'); socket.close(); });
            })""";

    @RegisterExtension
    final Interop interop = new Interop();

    @TempDir
    Path profile;

    @Test
    void aTwoXPageAndAFourXPageChat() {
        try (Windsock server = ChatServer.start("127.0.0.1", 0);
             Browser browser = Browser.launch(interop, profile)) {
            server.of("/echo").onConnection(socket -> socket.on("reverse", ChatTwoClientsBrowserTest::reverse));
            String url = "http://127.0.0.1:" + server.port() + "/";
            Page alice = login(browser, url, "alice", "4.x");
            Page carol = login(browser, url + "?client=2", "carol", "2.x");
            alice.waitVisible("#members li[data-nick=carol]");
            carol.waitVisible("#members li[data-nick=alice]");

            carol.type("#message-input", "Hello from socket.io-client 2.x");
            carol.press("#message-input", "Enter");
            alice.waitVisible("#messages li[data-from=carol]:has-text('Hello from socket.io-client 2.x')");
            carol.waitText("#messages li.mine:has-text('Hello from') .tick", "✓");
            alice.type("#message-input", "And back from 4.x");
            alice.press("#message-input", "Enter");
            carol.waitVisible("#messages li[data-from=alice]:has-text('And back from 4.x')");

            JsonNode polling = carol.evaluate(ECHO.formatted("/echo", "transports: ['polling']"));
            assertEcho(polling, "polling");
            assertEquals(true, polling.path("binaryPayloads").asBoolean(), polling::toString);
            assertEcho(carol.evaluate(ECHO.formatted("/echo", "transports: ['websocket']")), "websocket");

            // JSONP is off by default (a script load carries no Origin to check): the demo refuses it.
            assertEquals("refused", carol.evaluate(JSONP_TRY.formatted("/echo")).asText());
            String consoleError = browser.takeConsoleError();
            assertTrue(consoleError.contains("400"), consoleError);
            // A server that turned it on serves the page's JSONP, across origins as JSONP is meant to.
            Windsock jsonpServer = interop.server(o -> o.engine(EngineOptions.builder().jsonp(true).build()));
            jsonpServer.of("/echo").onConnection(socket -> socket.on("reverse", ChatTwoClientsBrowserTest::reverse));
            JsonNode jsonp = carol.evaluate(ECHO.formatted("http://127.0.0.1:" + jsonpServer.port() + "/echo",
                    "transports: ['polling'], forceJSONP: true"));
            assertEcho(jsonp, "polling");
            assertEquals(true, jsonp.path("jsonp").asBoolean(), jsonp::toString);

            carol.close();
            alice.waitGone("#members li[data-nick=carol]");
        }
    }

    /** Answers the bytes reversed and the text as it came. */
    private static void reverse(List<Object> args, Ack ack) {
        byte[] in = (byte[]) args.get(0);
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        ack.send(out, args.get(1));
    }

    private static void assertEcho(JsonNode echo, String transport) {
        assertEquals(transport, echo.path("transport").asText(), echo::toString);
        assertEquals(Json.tree(List.of(255, 3, 2, 1)), echo.path("bytes"), echo::toString);
        assertEquals("line\n\"two\" é", echo.path("text").asText());
    }

    private static Page login(Browser browser, String url, String nick, String client) {
        Page page = browser.open(nick, url);
        page.fill("#nick-input", nick);
        page.click("#login-button");
        page.waitVisible("#app");
        page.waitText("#me-nick", nick);
        page.waitText("#me-client", client);
        page.waitText("#room-title", "# general");
        return page;
    }
}
