package io.windsock.interop.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.server.Parser;
import io.windsock.server.WindsockOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The browser build with the MessagePack parser, {@code /socket.io/socket.io.msgpack.min.js} as the server
 * serves it ({@code serveClient}), in headless Chromium against a server with {@link Parser#MSGPACK}:
 * what a browser sends (an {@code ArrayBuffer}, a {@code Date}, {@code undefined}) reaches
 * the handler as documented, and what the server sends (binary, non-ASCII text, a NaN) reaches the page.
 */
class MsgpackBrowserTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @TempDir
    Path profile;

    /** Runs in the page; resolves with what the client saw. TRANSPORT is replaced. */
    private static final String SCENARIO = """
            new Promise((resolve, reject) => {
              const script = document.createElement('script');
              script.src = '/socket.io/socket.io.msgpack.min.js';
              script.onerror = () => reject(new Error('the msgpack build did not load'));
              script.onload = () => {
                const s = io({ transports: ['TRANSPORT'], reconnection: false });
                s.on('connect_error', (e) => reject(e));
                s.on('connect', () => s.timeout(5000).emit('echo', 'é€😀', 42, new Uint8Array([1, 2]).buffer,
                    new Date(Date.UTC(2026, 10, 28, 20, 0, 0, 5)), undefined, { kept: 1, gone: undefined },
                    (err, ...answer) => {
                  if (err) {
                    reject(err);
                    return;
                  }
                  const bin = answer[1];
                  resolve({
                    text: answer[0],
                    binaryKind: Object.prototype.toString.call(bin),
                    bytes: Array.from(new Uint8Array(bin instanceof ArrayBuffer ? bin : bin.buffer
                        ? bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) : bin)),
                    nan: Number.isNaN(answer[2]),
                    transport: s.io.engine.transport.name,
                  });
                  s.disconnect();
                }));
              };
              document.head.appendChild(script);
            })
            """;

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void theServedBrowserBuildTalksMessagePack(String transport) {
        Mailbox<List<Object>> received = interop.mailbox("received");
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(Interop.ioThreads())
                        .parser(Parser.MSGPACK).serveClient(true).build())
                .staticResources("/", "sio09-page")
                .build().start();
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> {
            received.put(new ArrayList<>(args));
            ack.send("é€😀", new byte[] {7, 8, 9}, Double.NaN);
        }));
        try (Browser browser = Browser.launch(interop, profile)) {
            Browser.Page page = browser.open("page", "http://127.0.0.1:" + server.port() + "/");
            var seen = page.evaluate(SCENARIO.replace("TRANSPORT", transport));

            List<Object> args = received.take();
            assertEquals(List.of("é€😀", 42), args.subList(0, 2));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) args.get(2), "an ArrayBuffer");
            assertEquals("2026-11-28T20:00:00.005Z", args.get(3), "a Date");
            assertEquals(null, args.get(4), "undefined");
            assertEquals(java.util.Map.of("kept", 1), args.get(5), "an object's undefined value: no key");

            assertEquals("é€😀", seen.path("text").asText());
            assertEquals("[object ArrayBuffer]", seen.path("binaryKind").asText(), "binary reaches a page as an ArrayBuffer");
            assertEquals(Json.array(7, 8, 9), seen.path("bytes"));
            assertEquals(true, seen.path("nan").asBoolean(), "a NaN reaches the page as NaN");
            assertEquals(transport, seen.path("transport").asText());
        } finally {
            server.stop();
        }
    }
}
