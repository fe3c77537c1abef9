package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two compression options: permessage-deflate on WebSocket, gzip on long-polling responses. */
class CompressionTest {
    private static final String BIG = "windsock ".repeat(2_000);  // 18 KB: well past any threshold

    @RegisterExtension
    final Interop interop = new Interop();

    @Test
    void perMessageDeflateIsNegotiatedOnlyWhenEnabled() throws Exception {
        Windsock on = interop.server(o -> o.perMessageDeflate(true));
        Windsock off = interop.server(o -> o);
        String offered = "permessage-deflate; client_max_window_bits";
        assertTrue(String.valueOf(acceptedExtensions(on.port(), offered)).startsWith("permessage-deflate"));
        assertNull(acceptedExtensions(off.port(), offered));
    }

    @Test
    void compressedWebSocketCarriesLargeEventsBothWays() {
        Windsock server = interop.server(o -> o.perMessageDeflate(true));
        server.of("/").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.get(0))));
        ClientSocket client = interop.client()
                .connect(interop.url(server, "/"), Map.of("transports", List.of("websocket")));
        client.expectConnect();
        ClientEvent ack = client.emitWithAck("echo", BIG);
        assertEquals(BIG, ack.args().get(0).asText());
    }

    @Test
    void pollingResponsesAreGzippedWhenEnabledAndAccepted() throws Exception {
        assertEquals("gzip", bigPollResponse(interop.server(o -> o)).encoding);
        assertNull(bigPollResponse(interop.server(o -> o.httpCompression(false))).encoding);
    }

    private record Poll(String encoding, String body) {
    }

    /** Joins the main namespace over polling and reads polls until the big event the server sends arrives. */
    private Poll bigPollResponse(Windsock server) throws Exception {
        server.of("/").onConnection(socket -> socket.emit("big", BIG));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf('"', open.indexOf("\"sid\":\"") + 7));
        String url = base + "&sid=" + sid;
        http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("40")).build(),
                HttpResponse.BodyHandlers.discarding());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> poll = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, poll.statusCode(), "a poll of a live session");
            String encoding = poll.headers().firstValue("content-encoding").orElse(null);
            String body = "gzip".equals(encoding)
                    ? new String(new GZIPInputStream(new java.io.ByteArrayInputStream(poll.body())).readAllBytes(),
                            StandardCharsets.UTF_8)
                    : new String(poll.body(), StandardCharsets.UTF_8);
            if (body.contains(BIG)) {
                return new Poll(encoding, body);
            }
        }
        throw new AssertionError("the big event never came in a poll");
    }

    /** Sends a WebSocket upgrade offering an extension and returns the answer's extension header, or null. */
    private static String acceptedExtensions(int port, String offered) {
        try (RawHttp raw = RawHttp.connect(port)) {
            RawHttp.Response response = raw.upgrade("/socket.io/?EIO=4&transport=websocket",
                    "Sec-WebSocket-Extensions: " + offered);
            assertEquals(101, response.status());
            return response.header("sec-websocket-extensions");
        }
    }
}
