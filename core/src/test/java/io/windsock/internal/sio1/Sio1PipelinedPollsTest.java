package io.windsock.internal.sio1;

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
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO 0.9 polls pipelined on one keep-alive connection: answers go out in the order sent, so a
 * request behind a poll the session holds ends that poll with a noop ({@code 8::}) instead of waiting
 * for the poll timeout, whose packets it may carry. Real server, two event loops (a session lives on
 * its handshake's loop, a later connection may be on the other), raw sockets.
 */
class Sio1PipelinedPollsTest {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        // A poll ends only for a packet or a request behind it: no heartbeat or poll timeout within the test.
        Protocol1Options options = Protocol1Options.builder().transports(Set.of("xhr-polling"))
                .pollTimeout(Duration.ofSeconds(60)).heartbeatInterval(Duration.ofSeconds(60)).build();
        Sio1Server sessions = new Sio1Server(new Sio1Settings(options, 1 << 20, 100), (session, verdict) -> {
            session.start(new Sio1Session.Handler() {
                @Override
                public void onPacket(Sio1Session s, Sio1Packet packet) {
                    events.add(s.id() + " read " + packet.data());
                }

                @Override
                public void onClose(Sio1Session s, String reason) {
                    events.add(s.id() + " closed: " + reason);
                }
            });
            verdict.complete(null);
        });
        Sio1Http route = new Sio1Http(sessions, "/socket.io/", null, true, AllowRequest.ALL, 100_000);
        TransportConfig config = new TransportConfig("/socket.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null, HttpServerSettings.DEFAULTS, route);
        server = new HttpServer(config, new EngineServer(EngineOptions.DEFAULT, s -> { }));
        port = server.start("127.0.0.1", 0, 2).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aPostPipelinedBehindAHeldPollEndsThatPollAndIsReadAtOnce() throws Exception {
        String sid = handshake();
        try (Socket socket = connect()) {
            write(socket, get(sid) + post(sid, "3:::hello"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(sid + " read hello", events.poll(10, TimeUnit.SECONDS), "not held for the poll timeout");
            assertEquals("8::", readResponse(in), "the poll ends with a noop, answered first");
            assertEquals("1", readResponse(in));
        }
    }

    @Test
    void eachPollWithARequestBehindItEndsNotOnlyTheFirst() throws Exception {
        String a = handshake();
        String b = handshake();
        try (Socket socket = connect()) {
            write(socket, get(a) + get(b) + post(b, "3:::hello"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(b + " read hello", events.poll(10, TimeUnit.SECONDS), "B's POST waited behind B's poll");
            assertEquals("8::", readResponse(in), "A's poll");
            assertEquals("8::", readResponse(in), "B's poll");
            assertEquals("1", readResponse(in));
        }
    }

    private String handshake() throws IOException {
        try (Socket socket = connect()) {
            write(socket, "GET /socket.io/1/ HTTP/1.1\r\nHost: x\r\n\r\n");
            String body = readResponse(new DataInputStream(socket.getInputStream()));
            assertTrue(body.matches("[0-9a-f]{32}:.*"), body);
            return body.substring(0, body.indexOf(':'));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String get(String sid) {
        return "GET /socket.io/1/xhr-polling/" + sid + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static String post(String sid, String body) {
        return "POST /socket.io/1/xhr-polling/" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void write(Socket socket, String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(StandardCharsets.US_ASCII)); // one write: the server reads them together
        out.flush();
    }

    /** Reads one 200 response with a Content-Length and returns its body. */
    private static String readResponse(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        assertTrue(headers.startsWith("HTTP/1.1 200 "), headers);
        int at = headers.toLowerCase(Locale.ROOT).indexOf("content-length: ") + 16;
        int length = Integer.parseInt(headers.substring(at, headers.indexOf('\r', at)).trim());
        byte[] body = new byte[length];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }
}
