package io.windsock.interop.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeHarness;
import io.windsock.interop.sio1.Sio1Chat;
import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * socket.io-client 0.9.16's browser build in headless Chromium, on a page the server serves
 * (same origin): jsonp-polling, which only a browser can run, and xhr-polling and websocket as a
 * browser runs them. Message text holding {@code </script>} checks the escaping of script payloads.
 */
class Protocol1BrowserTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @TempDir
    Path profile;

    /** Runs in the page; resolves with what the client saw, in order. TRANSPORT is replaced. */
    private static final String SCENARIO = """
            new Promise((resolve) => {
              const log = [];
              io.transports = ['TRANSPORT'];
              const s = io.connect(location.origin, {transports: ['TRANSPORT'], 'force new connection': true,
                  reconnect: false});
              const timer = setTimeout(() => resolve(log.concat(['timed out'])), 8000);
              s.on('error', (e) => log.push('error ' + e));
              s.on('thanks', (o) => log.push('thanks ' + JSON.stringify(o)));
              s.on('hello', (a, b) => log.push('hello ' + a + ' ' + b));
              s.on('message', (m) => log.push('message ' + JSON.stringify(m)));
              s.on('question', (q, fn) => fn('because+' + q, 2));
              s.on('answered', (a, b) => {
                log.push('answered ' + a + ' ' + b);
                s.emit('where', (w) => {
                  log.push('where ' + w);
                  clearTimeout(timer);
                  s.disconnect();
                  resolve(log);
                });
              });
              s.on('connect', () => {
                log.push('connect');
                s.emit('hello', {name: 'Joes'});
                s.emit('twice', '</script>+x', (r) => log.push('twice ' + r));
                s.send('plain </script> \\u2028');
                s.json.send({a: [1, '+']});
                s.emit('ask', 'q');
              });
            })
            """;

    @ParameterizedTest
    @ValueSource(strings = {"jsonp-polling", "xhr-polling", "websocket"})
    void theBrowserClientTalksToAConnectionClass(String transport) {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(Interop.ioThreads())
                        .protocol1(Protocol1Options.builder()
                                .transports(Set.of("websocket", "xhr-polling", "jsonp-polling"))
                                .sessionExpiry(Duration.ofSeconds(3)).build())
                        .build())
                .staticResources("/", "sio09-page")
                .build().start();
        try (Browser browser = Browser.launch(interop, profile)) {
            Connections.serve(server.of("/"), () -> new Sio1Chat(closes));
            Browser.Page page = browser.open("page", "http://127.0.0.1:" + server.port() + "/");
            page.addScript(NodeHarness.directory().resolve("node_modules/socket.io-client-v09/dist/socket.io.js"));
            List<String> expected = List.of(
                    "connect",
                    "thanks {\"name\":\"Joes\"}",
                    "hello Joes foobar",
                    "twice </script>+x+</script>+x",
                    "message \"plain </script> \u2028\"",
                    "message {\"a\":[1,\"+\"]}",
                    "answered because+q 2",
                    "where / " + transport);
            assertEquals(Json.tree(expected), page.evaluate(SCENARIO.replace("TRANSPORT", transport)));
            // The client's 0:: is lost when its disconnect aborts the POST carrying it (xhr-polling):
            // then the session expires instead.
            String closed = closes.take();
            assertTrue(Set.of("/ client namespace disconnect", "/ transport close").contains(closed), closed);
        } finally {
            server.stop();
        }
    }
}
