package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.engine.EngineOptions;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.Transport;
import io.windsock.server.Socket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Engine.IO v3 polling on the wire, where socket.io-client 2.x in Node does not go: binary payloads
 * (it always asks for {@code b64=1} there), JSONP, and bad input, which gets engine.io's answers and
 * leaves v4 clients of the same server alone.
 */
class EngineIoV3WireTest {
    private static final String PATH = "/socket.io/";
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    @RegisterExtension
    final Interop interop = new Interop();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void handshakeAndImplicitConnectInATextPayload() throws Exception {
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(socket -> { });
        HttpResponse<byte[]> open = get(server, "?EIO=3&transport=polling");
        String body = text(open);
        Matcher sid = SID.matcher(body);
        assertTrue(sid.find(), body);
        String expected = "0{\"sid\":\"" + sid.group(1) + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                + "\"pingTimeout\":20000,\"maxPayload\":1000000}";
        assertTrue(body.startsWith(expected.length() + ":" + expected), body);
        assertEquals("text/plain; charset=UTF-8", open.headers().firstValue("content-type").orElse(""));
        String rest = body.substring(body.indexOf(':') + 1 + expected.length());
        if (rest.isEmpty()) {
            rest = text(get(server, "?EIO=3&transport=polling&sid=" + sid.group(1)));
        }
        assertEquals("2:40", rest, "the server connects '/' without being asked");
        // The client pings, the server pongs.
        assertEquals("ok", text(post(server, "?EIO=3&transport=polling&sid=" + sid.group(1), "1:2", "text/plain")));
        assertEquals("1:3", text(get(server, "?EIO=3&transport=polling&sid=" + sid.group(1))));
    }

    @Test
    void binaryPayloadsBothWays() throws Exception {
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(socket -> socket.on("up", (args, ack) -> ack.send(args.get(0), "é")));
        String sid = openAndConnect(server, "");
        // 451-["up",{"_placeholder":true,"num":0}] with id 7 and its attachment, framed as engine.io-parser 2.x does.
        String event = "451-7[\"up\",{\"_placeholder\":true,\"num\":0}]";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(frame(0, event.getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(frame(1, new byte[] {4, 9, 8, 7}));
        assertEquals("ok", text(post(server, polling(sid), body.toByteArray(), "application/octet-stream")));

        HttpResponse<byte[]> answer = get(server, polling(sid));
        assertEquals("application/octet-stream", answer.headers().firstValue("content-type").orElse(""));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(frame(0, "461-7[{\"_placeholder\":true,\"num\":0},\"é\"]".getBytes(StandardCharsets.UTF_8)));
        expected.writeBytes(frame(1, new byte[] {4, 9, 8, 7}));
        assertArrayEquals(expected.toByteArray(), answer.body());
    }

    @Test
    void base64ClientsGetBinaryAsText() throws Exception {
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(socket -> socket.on("up", (args, ack) -> ack.send(args.get(0))));
        String sid = openAndConnect(server, "&b64=1");
        String event = "51-7[\"up\",{\"_placeholder\":true,\"num\":0}]";
        assertEquals("ok", text(post(server, polling(sid), (event.length() + 1) + ":4" + event + "6:b4CQgH", "text/plain")));
        String ackText = "61-7[{\"_placeholder\":true,\"num\":0}]";
        assertEquals((ackText.length() + 1) + ":4" + ackText + "6:b4CQgH", text(get(server, polling(sid))));
    }

    @Test
    void jsonpPollingWhenTurnedOn() throws Exception {
        Windsock server = interop.server(o -> o.engine(EngineOptions.builder().jsonp(true).build()));
        server.of("/").onConnection(socket -> socket.on("say", (args, ack) -> ack.send("got \"" + args.get(0) + "\"")));
        HttpResponse<byte[]> open = get(server, "?EIO=3&transport=polling&j=3&b64=1");
        assertEquals("text/javascript; charset=UTF-8", open.headers().firstValue("content-type").orElse(""));
        String script = text(open);
        assertTrue(script.startsWith("___eio[3](\"") && script.endsWith("\");"), script);
        Matcher sid = Pattern.compile("\\\\\"sid\\\\\":\\\\\"([^\\\\]+)\\\\\"").matcher(script);
        assertTrue(sid.find(), script);
        String jsonp = "?EIO=3&transport=polling&j=3&sid=" + sid.group(1);
        if (!script.contains("2:40")) {
            assertEquals("___eio[3](\"2:40\");", text(get(server, jsonp)));
        }
        // The form field d, the event's newline escaped as the client escapes it.
        String payload = "17:421[\"say\",\"a\\\\nb\"]";
        assertEquals("ok", text(post(server, jsonp, "d=" + java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded")));
        assertEquals("___eio[3](\"19:431[\\\"got \\\\\\\"a\\\\nb\\\\\\\"\\\"]\");", text(get(server, jsonp)));
    }

    /**
     * Form bodies as engine.io 3.x reads them (UTF-8 text, then querystring): raw UTF-8 bytes are text,
     * and a malformed escape is kept as sent rather than the body dropped. Literal bodies.
     */
    @Test
    void jsonpFormBodiesAreReadAsNodeReadsThem() throws Exception {
        Windsock server = interop.server(o -> o.engine(EngineOptions.builder().jsonp(true).build()));
        server.of("/").onConnection(socket -> socket.on("say", (args, ack) -> ack.send("got \"" + args.get(0) + "\"")));
        HttpResponse<byte[]> open = get(server, "?EIO=3&transport=polling&j=3&b64=1");
        Matcher sid = Pattern.compile("\\\\\"sid\\\\\":\\\\\"([^\\\\]+)\\\\\"").matcher(text(open));
        assertTrue(sid.find(), text(open));
        String jsonp = "?EIO=3&transport=polling&j=3&sid=" + sid.group(1);
        if (!text(open).contains("2:40")) {
            assertEquals("___eio[3](\"2:40\");", text(get(server, jsonp)));
        }
        // d=14:421["say","é"], the é as its raw UTF-8 bytes C3 A9.
        byte[] raw = {'d', '=', '1', '4', ':', '4', '2', '1', '[', '"', 's', 'a', 'y', '"', ',', '"', (byte) 0xC3,
            (byte) 0xA9, '"', ']'};
        assertEquals("ok", text(post(server, jsonp, raw, "application/x-www-form-urlencoded")));
        assertEquals("___eio[3](\"16:431[\\\"got \\\\\\\"\u00e9\\\\\\\"\\\"]\");", text(get(server, jsonp)));
        // d=16:421["say","%zz"]: the malformed escape stays as sent.
        assertEquals("ok", text(post(server, jsonp, "d=16:421[\"say\",\"%zz\"]", "application/x-www-form-urlencoded")));
        assertEquals("___eio[3](\"18:431[\\\"got \\\\\\\"%zz\\\\\\\"\\\"]\");", text(get(server, jsonp)));
    }

    @Test
    void jsonpIsRefusedByDefault() throws Exception {
        Windsock server = interop.server(o -> o);
        HttpResponse<byte[]> refused = get(server, "?EIO=3&transport=polling&j=3&b64=1");
        assertEquals(400, refused.statusCode());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", text(refused));
        HttpResponse<byte[]> open = get(server, "?EIO=3&transport=polling&b64=1");
        assertEquals(200, open.statusCode(), "the same client without JSONP is served");
        Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(text(open));
        assertTrue(sid.find(), text(open));
        HttpResponse<byte[]> poll = get(server, "?EIO=3&transport=polling&j=3&sid=" + sid.group(1));
        assertEquals(400, poll.statusCode(), "nor can an open session switch to JSONP");
        assertFalse(text(poll).contains("___eio"));
    }

    @Test
    void badInputGetsEngineIoAnswersAndSparesOtherClients() throws Exception {
        Windsock server = interop.server(o -> o.engine(EngineOptions.builder().jsonp(true).build()));
        Mailbox<Socket> connections = interop.mailbox("connections");
        server.of("/").onConnection(socket -> {
            connections.put(socket);
            socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        });
        ClientSocket modern = interop.client().connect(interop.url(server, "/"), Transport.POLLING.clientOptions());
        modern.expectConnect();
        connections.take();

        // A JSONP index that is not digits: refused, no script is written.
        for (String j : List.of("<script>", "0]);alert(1);//", "", "1234567890")) {
            HttpResponse<byte[]> refused = get(server, "?EIO=3&transport=polling&j="
                    + java.net.URLEncoder.encode(j, StandardCharsets.UTF_8));
            assertEquals(400, refused.statusCode(), j);
            assertFalse(text(refused).contains("___eio"));
        }
        // Bad lengths: the body is acknowledged and the session closes (parse error), as engine.io does.
        for (String bad : List.of("9:4hi", "x:4", "2:4a7", "99999999999:4")) {
            String sid = openAndConnect(server, "");
            connections.take();
            assertEquals("ok", text(post(server, polling(sid), bad, "text/plain")));
            HttpResponse<byte[]> after = get(server, polling(sid));
            assertEquals(400, after.statusCode(), bad);
            assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", text(after));
        }
        byte[] truncated = {0, 9, (byte) 0xff, 52};
        String sid = openAndConnect(server, "");
        connections.take();
        assertEquals("ok", text(post(server, polling(sid), truncated, "application/octet-stream")));
        assertEquals(400, get(server, polling(sid)).statusCode());
        // Unknown sids, as for v4.
        assertEquals(400, get(server, "?EIO=3&transport=polling&sid=nope").statusCode());
        // The v4 client never noticed.
        assertEquals(Json.array("fine"), modern.emitWithAck("echo", "fine").args());
        modern.assertNothingMore();
    }

    @Test
    void allowEio3OffRefusesV3AsNodeDoes() throws Exception {
        Windsock server = interop.server(o -> o.engine(EngineOptions.builder().allowEIO3(false).build()));
        server.of("/").onConnection(socket -> { });
        HttpResponse<byte[]> refused = get(server, "?EIO=3&transport=polling");
        assertEquals(400, refused.statusCode());
        assertEquals("{\"code\":5,\"message\":\"Unsupported protocol version\"}", text(refused));
        assertEquals(200, get(server, "?EIO=4&transport=polling").statusCode());
    }

    /** Opens a v3 polling session and reads until the implicit CONNECT of '/' arrived. */
    private String openAndConnect(Windsock server, String extra) throws Exception {
        String body = text(get(server, "?EIO=3&transport=polling" + extra));
        Matcher sid = SID.matcher(body);
        assertTrue(sid.find(), body);
        if (!body.endsWith("2:40")) {
            assertEquals("2:40", text(get(server, polling(sid.group(1)))));
        }
        return sid.group(1);
    }

    private static String polling(String sid) {
        return "?EIO=3&transport=polling&sid=" + sid;
    }

    /** One packet of a binary payload: {@code <kind><length digits as bytes><0xFF><bytes>}. */
    private static byte[] frame(int kind, byte[] packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kind);
        for (char digit : Integer.toString(packet.length).toCharArray()) {
            out.write(digit - '0');
        }
        out.write(0xff);
        out.writeBytes(packet);
        return out.toByteArray();
    }

    private HttpResponse<byte[]> get(Windsock server, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, query)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(Windsock server, String query, String body, String contentType) throws Exception {
        return post(server, query, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    private HttpResponse<byte[]> post(Windsock server, String query, byte[] body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, query)).timeout(Duration.ofSeconds(10))
                .header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI uri(Windsock server, String query) {
        return URI.create("http://127.0.0.1:" + server.port() + PATH + query);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
