package io.windsock.interop.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.examples.chat.ChatServer;
import io.windsock.interop.browser.Browser.Page;
import io.windsock.interop.harness.Interop;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * socket.io-client 0.9.16's browser build, as the demo serves it ({@code ?client=0.9}), in Chromium: a 0.9
 * page (protocol 1) and a 4.x page chat together in one room, acks and private messages included.
 */
class ChatZeroNineBrowserTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @TempDir
    Path profile;

    @Test
    void aZeroNinePageAndAFourXPageChat() {
        try (Windsock server = ChatServer.start("127.0.0.1", 0);
             Browser browser = Browser.launch(interop, profile)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            Page alice = login(browser, url, "alice", "4.x");
            Page dave = login(browser, url + "?client=0.9", "dave", "0.9");
            // Protocol 1 in the browser, not a fallback: the page runs the 0.9 client's own transport.
            assertEquals("websocket", dave.evaluate("socket.socket.transport.name").asText());
            alice.waitVisible("#members li[data-nick=dave]");
            dave.waitVisible("#members li[data-nick=alice]");

            dave.type("#message-input", "Hello from socket.io-client 0.9");
            dave.press("#message-input", "Enter");
            alice.waitVisible("#messages li[data-from=dave]:has-text('Hello from socket.io-client 0.9')");
            // The tick comes from the server's ack to the 0.9 client's callback.
            dave.waitText("#messages li.mine:has-text('Hello from') .tick", "✓");
            alice.type("#message-input", "And back from 4.x");
            alice.press("#message-input", "Enter");
            dave.waitVisible("#messages li[data-from=alice]:has-text('And back from 4.x')");
            alice.waitText("#messages li.mine:has-text('And back') .tick", "✓");

            dave.click("#members li[data-nick=alice]");
            dave.type("#message-input", "Just between us");
            dave.press("#message-input", "Enter");
            alice.waitVisible("#messages li.private[data-from=dave]:has-text('Just between us')");
            dave.waitText("#messages li.mine:has-text('Just between') .tick", "✓");

            alice.close();
            dave.waitGone("#members li[data-nick=alice]");
        }
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
