package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.CorsOptions;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Protocol1Options;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol-1 HTTP front end on a real server, driven with raw requests, with an application
 * that echoes messages: statuses, the handshake and every transport's wire form.
 */
class Sio1HttpTest {
    private static final Pattern SID = Pattern.compile("^([0-9a-f]{32}):17:25:websocket,htmlfile,xhr-polling,jsonp-polling$");

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private HttpServer server;
    private Sio1Server sessions;
    private String base;

    @BeforeEach
    void start() throws Exception {
        start(null, true);
    }

    private void start(CorsOptions cors, boolean verifyRemoteIp) throws Exception {
        start(cors, verifyRemoteIp, Set.of("websocket", "xhr-polling", "jsonp-polling", "htmlfile"));
    }

    private void start(CorsOptions cors, boolean verifyRemoteIp, Set<String> transports) throws Exception {
        if (server != null) {
            server.stop();
        }
        Protocol1Options options = Protocol1Options.builder()
                .transports(transports)
                .verifyRemoteIp(verifyRemoteIp).build();
        sessions = new Sio1Server(new Sio1Settings(options, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                    if (packet.type() == Sio1Packet.MESSAGE) {
                        s.send(Sio1Packet.of(Sio1Packet.MESSAGE, packet.endpoint(), packet.data()).encode());
                    }
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                    closes.add(reason);
                }
            });
            if (session.request().queryParam("refuse") != null) {
                verdict.completeExceptionally(new IllegalStateException("refused"));
            } else {
                session.send("1::");
                verdict.complete(null);
            }
        });
        Sio1Http route = new Sio1Http(sessions, "/socket.io/", cors, true, r -> r.queryParam("deny") == null, 100_000);
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, cors, AllowRequest.ALL,
                false, true, HttpFallback.NONE, null, HttpServerSettings.DEFAULTS, route);
        server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        base = "http://127.0.0.1:" + server.start("127.0.0.1", 0, 1).getPort() + "/socket.io/";
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void anEscapedFormOfThePathIsNotProtocol1s() throws Exception {
        HttpResponse<String> escaped = get("%31/?t=1"); // /socket.io/%31/: Engine.IO's, as Node matches the URL as sent
        assertEquals(400, escaped.statusCode(), escaped.body());
        assertEquals("{\"code\":0,\"message\":\"Transport unknown\"}", escaped.body());
        HttpResponse<String> outside = http.send(HttpRequest.newBuilder(URI.create(base.replace("/socket.io/",
                "/%73ocket.io/1/?t=1"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, outside.statusCode(), outside.body());
        assertEquals(0, sessions.sessionCount(), "no protocol-1 session opened");
    }

    @Test
    void handshakeAndItsFailures() throws Exception {
        assertTrue(SID.matcher(get("1/?t=1").body()).matches());
        assertEquals(503, get("2/").statusCode());
        assertEquals(401, get("1/?refuse=1").statusCode());
        assertEquals(401, get("1/xhr-polling/0123456789abcdef0123456789abcdef").statusCode());
        assertEquals(404, get("1/flashsocket/" + handshake()).statusCode());
        assertEquals(405, send("POST", "1/", "").statusCode());
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(base + "1/"))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode());
        HttpResponse<String> jsonp = get("1/?jsonp=3");
        assertTrue(jsonp.body().matches("io\\.j\\[3]\\(\"[0-9a-f]{32}:17:25:[a-z,-]+\"\\);"), jsonp.body());
        assertEquals(403, get("1/?jsonp=x").statusCode());
    }

    @Test
    void aRefusedJsonpHandshakeCallsTheClientBackWithTheError() throws Exception {
        // A script element cannot read a status: the 0.9 client learns of a refusal only through its
        // callback (it then emits "error" and, while reconnecting, tries again), as the 0.9 server
        // answers; a bare 401 or 403 leaves it "connecting" for good.
        HttpResponse<String> refused = get("1/?jsonp=4&refuse=1");
        assertEquals(200, refused.statusCode(), refused.body());
        assertEquals("io.j[4](new Error(\"Unauthorized\"));", refused.body());
        assertTrue(refused.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        HttpResponse<String> denied = get("1/?jsonp=5&deny=1");
        assertEquals(200, denied.statusCode(), denied.body());
        assertEquals("io.j[5](new Error(\"Forbidden\"));", denied.body());
        assertEquals(403, get("1/?deny=1").statusCode(), "a plain handshake keeps its status");
        assertEquals(401, get("1/?refuse=1").statusCode());
    }

    @Test
    void aJsonpHandshakeWithJsonpPollingOffIsCalledBackWithTheRefusal() throws Exception {
        // Without the callback the client's script element never learns of the refusal and the
        // client stays "connecting"; with it, the client emits "error" (the 0.9 server calls every
        // JSONP handshake back, refusals included). No session opens.
        start(null, true, Set.of("websocket", "xhr-polling"));
        HttpResponse<String> refused = get("1/?jsonp=6");
        assertEquals(200, refused.statusCode(), refused.body());
        assertEquals("io.j[6](new Error(\"JSONP not allowed\"));", refused.body());
        assertEquals(403, get("1/?jsonp=x").statusCode(), "an index that is not a number is never reflected");
        assertEquals(0, sessions.sessionCount());
    }

    @Test
    void xhrPollingCarriesPacketsBothWays() throws Exception {
        String sid = handshake();
        String url = "1/xhr-polling/" + sid;
        assertEquals("1::", get(url + "?t=2").body());
        assertEquals(200, send("POST", url, "\ufffd7\ufffd3:::a:b\ufffd5\ufffd3:::é").statusCode());
        assertEquals("\ufffd7\ufffd3:::a:b\ufffd5\ufffd3:::é", get(url).body());
        assertEquals(200, send("POST", url, "data=3:::ie").statusCode());
        assertEquals("3:::ie", get(url).body());
        // A bad frame length closes the session: the client gets 0::, then 401.
        assertEquals(200, send("POST", url, "\ufffd99\ufffd3:::x").statusCode());
        assertEquals("parse error", closes.poll(5, TimeUnit.SECONDS));
        assertEquals("0::", get(url).body());
        assertEquals(401, get(url).statusCode());
        assertEquals(401, send("POST", url, "3:::late").statusCode());
    }

    @Test
    void aSecondPollReplacesTheOneWaiting() throws Exception {
        // The client polls again only when it gave the first poll up (a proxy or the network dropped
        // it unseen): the 0.9 server replaces the transport, so the session lives on; the first ends
        // with a noop.
        String sid = handshake();
        String url = "1/xhr-polling/" + sid;
        get(url); // takes 1::
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + url)).build(), HttpResponse.BodyHandlers.ofString());
        Sio1Session session = sessions.session(sid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!session.hasTransport()) { // wait for the first poll to be attached
            assertTrue(System.nanoTime() < deadline, "the poll was never attached");
            Thread.onSpinWait();
        }
        CompletableFuture<HttpResponse<String>> second = http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + url + "?n=2")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("8::", first.get(5, TimeUnit.SECONDS).body());
        assertEquals(200, send("POST", url, "3:::wake").statusCode());
        HttpResponse<String> answer = second.get(5, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertEquals("3:::wake", answer.body());
        assertTrue(closes.isEmpty(), closes.toString());
    }

    @Test
    void jsonpPollingWrapsPayloadsAndRefusesBadIndexes() throws Exception {
        String sid = handshake();
        String url = "1/jsonp-polling/" + sid;
        assertEquals(400, get(url + "?i=%3Cscript%3E").statusCode());
        HttpResponse<String> first = get(url + "?t=1&i=0");
        assertEquals("io.j[0](\"1::\");", first.body());
        assertEquals("0", first.headers().firstValue("x-xss-protection").orElse(""));
        assertEquals(403, send("POST", url + "?i=0", "x=1").statusCode());
        String payload = "\"3:::<\\/script> + \\\"q\\\" \\u00e9\"";
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + url + "?i=0"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("d=" + java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode());
        assertEquals("io.j[0](\"3:::\\u003c\\/script\\u003e + \\\"q\\\" é\");", get(url + "?i=0").body());
    }

    @Test
    void htmlfileStreamsScripts() throws Exception {
        String sid = handshake();
        int port = URI.create(base).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // The server compresses HTTP answers: a stream must still come as written, each chunk at once.
            out.write(("GET /socket.io/1/htmlfile/" + sid + "?t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept-Encoding: gzip, deflate\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readUntil(in, "<script>_(\"1::\");</script>");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            assertFalse(head.toLowerCase().contains("content-encoding"), head);
            assertTrue(head.contains(Sio1HtmlFile.PREAMBLE), head);
            assertEquals(200, send("POST", "1/htmlfile/" + sid, "3:::</script>").statusCode());
            readUntil(in, "<script>_(\"3:::\\u003c\\/script\\u003e\");</script>");
            assertEquals(200, send("POST", "1/htmlfile/" + sid, "3:::<!--<script>").statusCode());
            readUntil(in, "<script>_(\"3:::\\u003c!--\\u003cscript\\u003e\");</script>");
            assertEquals(200, send("GET", "1//" + sid + "/?disconnect=1", "").statusCode());
            assertEquals("client disconnect", closes.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void websocketCarriesOnePacketPerFrame() throws Exception {
        String sid = handshake();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                URI.create(base.replace("http", "ws") + "1/websocket/" + sid), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(5, TimeUnit.SECONDS));
        ws.sendText("3:::over ws", true).get(5, TimeUnit.SECONDS);
        assertEquals("3:::over ws", frames.poll(5, TimeUnit.SECONDS));
        assertEquals(401, get("1/xhr-polling/" + sid).statusCode(), "a second transport while the socket is open");
        ws.sendText("0::", true);
        ws.abort();
    }

    @Test
    void corsEchoesAnAllowedOriginWithCredentials() throws Exception {
        start(CorsOptions.allowOrigins("http://app.example").credentials(true).build(), true);
        HttpResponse<String> handshake = http.send(HttpRequest.newBuilder(URI.create(base + "1/?t=1"))
                .header("Origin", "http://app.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, handshake.statusCode());
        assertEquals("http://app.example", handshake.headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals("true", handshake.headers().firstValue("access-control-allow-credentials").orElse(null));
        String sid = handshake.body().substring(0, 32);
        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(URI.create(base + "1/xhr-polling/" + sid))
                .header("Origin", "http://app.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("1::", poll.body());
        assertEquals("http://app.example", poll.headers().firstValue("access-control-allow-origin").orElse(null));
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(base + "1/xhr-polling/" + sid))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertTrue(preflight.headers().firstValue("access-control-allow-methods").orElse("").contains("POST"));
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "1/?t=2"))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, other.statusCode());
    }

    @Test
    void aTransportFromAnotherAddressIsRefusedUnlessTheCheckIsOff() throws Exception {
        String sid = handshake(); // from 127.0.0.1
        assertEquals(401, rawGetFrom("127.0.0.2", "/socket.io/1/xhr-polling/" + sid));
        start(null, false);
        assertEquals(200, rawGetFrom("127.0.0.2", "/socket.io/1/xhr-polling/" + handshake()));
    }

    @Test
    void aDisconnectFromAnotherAddressIsRefused() throws Exception {
        String sid = handshake(); // from 127.0.0.1
        assertEquals(401, rawGetFrom("127.0.0.2", "/socket.io/1//" + sid + "/?disconnect=1"));
        assertEquals("1::", get("1/xhr-polling/" + sid).body(), "the session lives on");
        assertTrue(closes.isEmpty(), closes.toString());
        assertEquals(200, get("1//" + sid + "/?disconnect=1").statusCode());
        assertEquals("client disconnect", closes.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aDisconnectRequestEndsTheHeldPollWithTheDisconnectPacket() throws Exception {
        // The client's synchronous disconnect, with its own poll still held: that poll is told with
        // 0:: and ends, as the 0.9 server answers an open transport on ?disconnect.
        String sid = handshake();
        String url = "1/xhr-polling/" + sid;
        assertEquals("1::", get(url).body());
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + url)).build(), HttpResponse.BodyHandlers.ofString());
        Sio1Session session = sessions.session(sid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!session.hasTransport()) {
            assertTrue(System.nanoTime() < deadline, "the poll was never attached");
            Thread.onSpinWait();
        }
        assertEquals(200, get("1//" + sid + "/?disconnect=1").statusCode());
        assertEquals("0::", held.get(5, TimeUnit.SECONDS).body());
        assertEquals("client disconnect", closes.poll(5, TimeUnit.SECONDS));
    }

    /** A GET from another loopback address (all of 127/8 reaches this host), returning the status. */
    private int rawGetFrom(String localAddress, String path) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", URI.create(base).getPort()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    private String handshake() throws Exception {
        Matcher m = SID.matcher(get("1/?t=" + System.nanoTime()).body());
        assertTrue(m.matches());
        return m.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, "");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        request = "GET".equals(method) ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before " + marker + ": " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

}
