package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import io.windsock.interop.sio1.Sio1Chat;
import io.windsock.server.Protocol1Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on the protocol-1 paths gets TornadIO2's statuses or a clean close, and a 4.x client
 * on the same server never notices.
 */
class Protocol1HostileInputTest {
    @RegisterExtension
    final Interop interop = new Interop();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void badInputIsRefusedAndOtherGenerationsGoOn() throws Exception {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = interop.server(o -> o
                .engine(EngineOptions.builder().maxHttpBufferSize(10_000).build())
                .protocol1(Protocol1Options.builder()
                        .transports(Set.of("websocket", "xhr-polling", "jsonp-polling"))
                        .sessionExpiry(Duration.ofSeconds(3)).build()));
        Connections.serve(server.of("/"), () -> new Sio1Chat(closes));
        ClientSocket modern = interop.client().connect(interop.url(server, "/"), Transport.WEBSOCKET.clientOptions());
        modern.expectConnect();
        String base = "http://127.0.0.1:" + server.port() + "/socket.io/";

        assertEquals(503, get(base + "2/").statusCode());
        assertEquals(401, get(base + "1/xhr-polling/0123456789abcdef0123456789abcdef").statusCode());
        assertEquals(401, post(base + "1/xhr-polling/not-a-session", "3:::x").statusCode());
        assertEquals(401, get(base + "1/websocket/nope").statusCode());
        assertEquals(403, get(base + "1/?jsonp=alert(1)").statusCode());

        String sid = handshake(base);
        assertEquals(400, get(base + "1/jsonp-polling/" + sid + "?i=%3Cscript%3Ealert(1)%3C/script%3E").statusCode());
        assertEquals(403, post(base + "1/jsonp-polling/" + sid + "?i=0", "nothing=1").statusCode());
        assertEquals(413, post(base + "1/xhr-polling/" + sid, "3:::" + "x".repeat(20_000)).statusCode());
        assertEquals("1::", get(base + "1/xhr-polling/" + sid).body());
        // A frame length past the body: the session closes cleanly (0::, then 401).
        assertEquals(200, post(base + "1/xhr-polling/" + sid, "\ufffd99\ufffd3:::short").statusCode());
        assertEquals("/ parse error", closes.take());
        assertEquals("0::", get(base + "1/xhr-polling/" + sid).body());
        assertEquals(401, get(base + "1/xhr-polling/" + sid).statusCode());

        // Garbage data in an event over a WebSocket: parse error, 0::, then the close.
        String wsSid = handshake(base);
        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + wsSid), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(10, TimeUnit.SECONDS));
        ws.sendText("5:::{\"name\":", true);
        assertEquals("/ parse error", closes.take());
        assertEquals("0::", frames.poll(10, TimeUnit.SECONDS));
        assertEquals(1000, closed.get(10, TimeUnit.SECONDS));

        // A binary frame has no meaning in protocol 1: close 1003.
        String binSid = handshake(base);
        CompletableFuture<Integer> binClosed = new CompletableFuture<>();
        WebSocket bin = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + binSid), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        binClosed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        bin.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
        assertEquals(1003, binClosed.get(10, TimeUnit.SECONDS));

        assertEquals(Json.array(5), modern.emitWithAck("add", 2, 3).args(), "the 4.x client never noticed");
        modern.disconnect();
        assertEquals("io client disconnect", modern.expectDisconnect());
        String last = closes.take();
        assertTrue(Set.of("/ client namespace disconnect", "/ transport close").contains(last), last);
        String other = closes.take();
        assertTrue(Set.of("/ client namespace disconnect", "/ transport close").contains(other), other);
    }

    private String handshake(String base) throws Exception {
        String body = get(base + "1/?t=1").body();
        assertTrue(body.matches("[0-9a-f]{32}:17:25:websocket,xhr-polling,jsonp-polling"), body);
        return body.substring(0, 32);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
