package io.windsock.interop.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.examples.chat.ChatServer;
import io.windsock.interop.browser.Browser.Page;
import io.windsock.interop.harness.Interop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo in a real browser: two people chat in the example chat server's page, served with its
 * socket.io client by the server itself. Leaves its screenshots in {@code target/screenshots/}; with
 * {@code -Dwindsock.screenshots=docs} it refreshes the README's pictures in {@code docs/} instead.
 */
class ChatDemoBrowserTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @RegisterExtension
    final Interop interop = new Interop();

    @TempDir
    Path profile;

    @Test
    void twoPeopleChatInARoom() throws IOException {
        // The browser closes first: its pages must not see the server go.
        try (Windsock server = ChatServer.start("127.0.0.1", 0);
             Browser browser = Browser.launch(interop, profile)) {
            String url = "http://127.0.0.1:" + server.port() + "/";

            // Both log in and land in #general, and see each other there.
            Page alice = login(browser, url, "alice");
            Page bob = login(browser, url, "bob");
            alice.waitVisible(notice("bob joined #general"));
            alice.waitVisible("#members li[data-nick=bob]");
            assertEquals(List.of("alice", "bob"), alice.attributes("#members li", "data-nick"));
            assertEquals(List.of("alice", "bob"), bob.attributes("#members li", "data-nick"));

            // Both move to #java: the room lists follow, and so do the notices.
            alice.click("#rooms li[data-room=java]");
            alice.waitText("#room-title", "# java");
            bob.waitVisible(notice("alice left #general"));
            bob.waitText("#rooms li[data-room=java] .count", "1");
            bob.click("#rooms li[data-room=java]");
            bob.waitText("#room-title", "# java");
            alice.waitVisible(notice("bob joined #java"));
            alice.waitText("#rooms li[data-room=java] .count", "2");
            alice.waitText("#rooms li[data-room=general] .count", "0");
            assertEquals(List.of("alice", "bob"), alice.attributes("#members li", "data-nick"));

            // Bob types: Alice sees it; he sends: the indicator goes, the server's ack ticks his message.
            bob.type("#message-input", "Hi Alice! This page and its socket.io client");
            alice.waitText("#typing", "bob is typing…");
            alice.waitVisible("#members li.is-typing[data-nick=bob]");
            bob.type("#message-input", " come from the Windsock server.");
            bob.press("#message-input", "Enter");
            String bobsLine = "Hi Alice! This page and its socket.io client come from the Windsock server.";
            alice.waitVisible("#messages li[data-from=bob]:has-text('" + bobsLine + "')");
            alice.waitText("#typing", "");
            bob.waitText("#messages li.mine:has-text('Hi Alice!') .tick", "✓");
            assertEquals(List.of("sent"), bob.attributes("#messages li.mine", "data-status"));

            alice.type("#message-input", "Hello Bob. The tick means the server acknowledged it.");
            alice.press("#message-input", "Enter");
            bob.waitVisible("#messages li[data-from=alice]:has-text('the server acknowledged it')");
            alice.waitText("#messages li.mine:has-text('Hello Bob') .tick", "✓");

            // A private message: only Bob gets it, and Alice gets her tick.
            alice.click("#members li[data-nick=bob]");
            alice.waitText("#private-to", "bob");
            alice.type("#message-input", "psst, this one is just for you");
            alice.press("#message-input", "Enter");
            bob.waitVisible("#messages li.private[data-from=alice]:has-text('psst, this one is just for you')");
            alice.waitText("#messages li.mine.private .tick", "✓");
            alice.press("#message-input", "Escape");
            alice.waitGone("#private-chip:visible");

            // The pictures for the README: Bob typing a reply, as Alice sees it.
            bob.type("#message-input", "Nice, see you in #general");
            alice.waitText("#typing", "bob is typing…");
            Path docs = screenshotFolder();
            alice.screenshot(docs.resolve("demo-alice.png"));
            bob.screenshot(docs.resolve("demo-bob.png"));
            for (String name : List.of("demo-alice.png", "demo-bob.png")) {
                byte[] image = Files.readAllBytes(docs.resolve(name));
                assertArrayEquals(PNG, Arrays.copyOfRange(image, 0, 4), name + " is a PNG");
                assertTrue(image.length > 20_000, name + " shows a page, not a blank: " + image.length + " bytes");
            }

            // Bob closes his tab: Alice sees him go.
            bob.close();
            alice.waitVisible(notice("bob left #java"));
            alice.waitGone("#members li[data-nick=bob]");
            alice.waitText("#rooms li[data-room=java] .count", "1");
            assertEquals(List.of("alice"), alice.attributes("#members li", "data-nick"));
            assertEquals(List.of("You joined #java", "bob joined #java", "bob left #java"),
                    alice.texts("#messages li.notice"));
            assertEquals(List.of("sent", "sent"), alice.attributes("#messages li.mine", "data-status"));
        }
    }

    private static Page login(Browser browser, String url, String nick) {
        Page page = browser.open(nick, url);
        page.fill("#nick-input", nick);
        page.click("#login-button");
        page.waitVisible("#app");
        page.waitText("#me-nick", nick);
        page.waitText("#room-title", "# general");
        page.waitVisible(notice("You joined #general"));
        page.waitVisible("#members li.self[data-nick=" + nick + "]");
        return page;
    }

    private static String notice(String text) {
        return "#messages li.notice:text-is('" + text + "')";
    }

    /**
     * Where the screenshots go: the module's {@code target/screenshots/}, so a test run leaves the
     * work tree clean, or the repository's {@code docs/} with {@code -Dwindsock.screenshots=docs}.
     */
    private static Path screenshotFolder() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        boolean atRoot = Files.isDirectory(here.resolve("interop-tests"));
        if ("docs".equals(System.getProperty("windsock.screenshots"))) {
            return Files.createDirectories((atRoot ? here : here.getParent()).resolve("docs"));
        }
        Path module = atRoot ? here.resolve("interop-tests") : here;
        return Files.createDirectories(module.resolve("target").resolve("screenshots"));
    }
}
