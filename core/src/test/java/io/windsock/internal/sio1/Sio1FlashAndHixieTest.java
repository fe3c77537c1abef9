package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import io.windsock.internal.transport.HttpFallback;
import io.windsock.internal.transport.HttpServer;
import io.windsock.internal.transport.HttpServerSettings;
import io.windsock.internal.transport.TransportConfig;
import io.windsock.server.Protocol1Options;
import io.windsock.testing.HeldPort;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flashsocket transport with its policy server, over raw TCP, and the hixie-76 WebSocket
 * handshake (draft 76, which the Flash bridge and old Safari speak), served by Netty's 00 handshaker.
 */
class Sio1FlashAndHixieTest {
    private HttpServer server;
    private int port;
    private int policyPort;

    @BeforeEach
    void start() throws Exception {
        // Held until the server binds it: its own port, bound first to port 0, cannot land on it.
        try (HeldPort policy = HeldPort.hold()) {
            policyPort = policy.port();
            policy.beforeBind();
            Started started = startServer(HttpServerSettings.DEFAULTS, policyPort);
            server = started.server();
            port = started.port();
        }
    }

    private record Started(HttpServer server, int port) {
    }

    private static Started startServer(HttpServerSettings settings, int policyPort) throws Exception {
        Protocol1Options options = Protocol1Options.builder().transports(Set.of("websocket", "flashsocket"))
                .flashPolicyPort(policyPort).heartbeatInterval(Duration.ofMillis(200)).build();
        Sio1Server sessions = new Sio1Server(new Sio1Settings(options, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                    s.send(Sio1Packet.of(Sio1Packet.MESSAGE, packet.endpoint(), "echo " + packet.data()).encode());
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                }
            });
            session.send("1::");
            verdict.complete(null);
        });
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, true, HttpFallback.NONE, null, settings,
                new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, 100_000));
        HttpServer server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        return new Started(server, server.start("127.0.0.1", 0, 1).getPort());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void thePolicyServerAnswersTheRequestAndNothingElse() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", policyPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII));
            String policy = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(policy.endsWith("</cross-domain-policy>\n\0"), policy);
            assertTrue(policy.contains("to-ports=\"" + port + "\""), policy);
        }
        try (Socket socket = new Socket("127.0.0.1", policyPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read(), "anything else is closed unanswered");
        }
    }

    @Test
    void thePolicyPortCountsAgainstMaxConnections() throws Exception {
        HttpServerSettings d = HttpServerSettings.DEFAULTS;
        HttpServerSettings one = new HttpServerSettings(d.headersTimeout(), d.requestTimeout(), d.keepAliveTimeout(),
                1, null, true, d.transports());
        int capped;
        Started small;
        try (HeldPort policy = HeldPort.hold()) {
            capped = policy.port();
            policy.beforeBind();
            small = startServer(one, capped);
        }
        try {
            try (Socket held = new Socket("127.0.0.1", small.port())) {
                held.setSoTimeout(10_000);
                held.getOutputStream().write("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] status = new byte[9];
                new DataInputStream(held.getInputStream()).readFully(status);
                assertEquals("HTTP/1.1 ", new String(status, StandardCharsets.US_ASCII), "the one place is taken");
                assertEquals("", askPolicy(capped), "a policy request past the cap is closed unanswered");
            }
            // The place comes back once the server has seen the close: until then, still refused.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String policy;
            while ((policy = askPolicy(capped)).isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(policy.endsWith("</cross-domain-policy>\n\0"), policy);
        } finally {
            small.server().stop();
        }
    }

    private static String askPolicy(int policyPort) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", policyPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.net.SocketException reset) {
            return ""; // closed before the request was written
        }
    }

    @Test
    void flashsocketSpeaksHixie76() throws Exception {
        String sid = handshake();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // The example handshake of draft-ietf-hybi-thewebsocketprotocol-00, section 1.3.
            out.write(("GET /socket.io/1/flashsocket/" + sid + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n"
                    + "Origin: http://127.0.0.1:" + port + "\r\n"
                    + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n"
                    + "^n:ds[4U").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            byte[] challenge = new byte[16];
            in.readFully(challenge);
            assertArrayEquals("8jKS'y:G*Co,Wxa-".getBytes(StandardCharsets.ISO_8859_1), challenge);
            assertEquals("1::", readHixieFrame(in));
            // A frame in three pieces, its start byte alone (Netty's own draft-00 decoder lost the byte after it).
            out.write(0x00);
            out.flush();
            assertEquals("2::", readHixieFrame(in)); // a heartbeat passes meanwhile: the piece was read
            out.write("3:::h".getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write("é".getBytes(StandardCharsets.UTF_8));
            out.write(0xFF);
            out.write(0x00);
            out.write("3:::two".getBytes(StandardCharsets.UTF_8));
            out.write(0xFF);
            out.flush();
            assertEquals("3:::echo hé", readPacket(in));
            assertEquals("3:::echo two", readPacket(in));
            out.write(new byte[] {(byte) 0xFF, 0x00}); // the closing handshake, answered in kind
            out.flush();
            int b;
            while ((b = in.read()) == 0x00) { // heartbeats may still come first
                int c;
                while ((c = in.read()) != 0xFF) {
                    assertTrue(c >= 0, "connection closed inside a frame");
                }
            }
            assertEquals(0xFF, b);
            assertEquals(0x00, in.read());
        }
    }

    @Test
    void aHixie76AnswerNamesTheUrlRequestedWithItsQuery() throws Exception {
        // A draft-76 client (old Safari, the Flash bridge) fails the connection unless the location in
        // the answer is exactly the URL it asked for; the 0.9 client puts its query option on that URL.
        String resource = "/socket.io/1/websocket/" + handshake() + "?token=a%20b&x=1";
        String head = hixie76Answer(resource, "http://127.0.0.1:" + port);
        assertTrue(head.toLowerCase(Locale.ROOT).contains(
                "\r\nsec-websocket-location: ws://127.0.0.1:" + port + resource.toLowerCase(Locale.ROOT) + "\r\n"), head);
    }

    @Test
    void aHixie76AnswerToAnHttpsPageBehindAProxyNamesAWssLocation() throws Exception {
        // TLS ended by a proxy: the page (https, its Origin) opened wss://, and a draft-76 client fails
        // the connection on a ws:// location.
        String resource = "/socket.io/1/websocket/" + handshake();
        String head = hixie76Answer(resource, "https://127.0.0.1:" + port);
        assertTrue(head.toLowerCase(Locale.ROOT).contains(
                "\r\nsec-websocket-location: wss://127.0.0.1:" + port + resource + "\r\n"), head);
    }

    /** @return the head of the server's answer to a draft-76 upgrade of {@code resource} from a page of {@code origin} */
    private String hixie76Answer(String resource, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + resource + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n"
                    + "Origin: " + origin + "\r\n"
                    + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n"
                    + "^n:ds[4U").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(new DataInputStream(socket.getInputStream()));
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            return head;
        }
    }

    private String handshake() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /socket.io/1/?t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertTrue(body.endsWith(":5.2:25:websocket,flashsocket"), body);
            return body.substring(0, body.indexOf(':'));
        }
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The next frame that is not a heartbeat. */
    private static String readPacket(InputStream in) throws Exception {
        String frame;
        do {
            frame = readHixieFrame(in);
        } while ("2::".equals(frame));
        return frame;
    }

    private static String readHixieFrame(InputStream in) throws Exception {
        assertEquals(0x00, in.read());
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != 0xFF) {
            assertTrue(b >= 0, "connection closed inside a frame");
            frame.write(b);
        }
        return frame.toString(StandardCharsets.UTF_8);
    }
}
