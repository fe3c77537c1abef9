package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.sio1.Sio1Chat;
import io.windsock.server.Protocol1Options;
import io.windsock.testing.HeldPort;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transports no client here runs (htmlfile needs IE's ActiveXObject, flashsocket needs Flash),
 * driven over raw TCP against a connection class: the page stream of htmlfile, and flashsocket's
 * policy server and hixie-76 WebSocket.
 */
class Protocol1RawTransportsTest {
    @RegisterExtension
    final Interop interop = new Interop();

    /**
     * A server whose policy port is held until it binds it (see {@link HeldPort}): its own port, bound first
     * to port 0, cannot land on it.
     */
    private Windsock server(Mailbox<String> closes, HeldPort policyPort) {
        try (policyPort) {
            policyPort.beforeBind();
            Windsock server = interop.server(o -> o.protocol1(Protocol1Options.builder()
                    .transports(Set.of("websocket", "flashsocket", "htmlfile")).flashPolicyPort(policyPort.port()).build()));
            Connections.serve(server.of("/"), () -> new Sio1Chat(closes));
            return server;
        }
    }

    @Test
    void htmlfileStreamsScriptsToAConnectionClass() throws Exception {
        Mailbox<String> closes = interop.mailbox("closes");
        Windsock server = server(closes, HeldPort.hold());
        String sid = handshake(server.port());
        try (Socket stream = new Socket("127.0.0.1", server.port())) {
            stream.setSoTimeout(10_000);
            stream.getOutputStream().write(("GET /socket.io/1/htmlfile/" + sid + "?t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = stream.getInputStream();
            readUntil(in, "<script>_(\"1::\");</script>");
            post(server.port(), "/socket.io/1/htmlfile/" + sid,
                    framed("5:1+::{\"name\":\"add\",\"args\":[2,3]}", "3:::</script> é"));
            // The ack and the echo, alone or framed together in one script.
            readUntil(in, "6:::1+[5]");
            readUntil(in, "3:::\\u003c\\/script\\u003e é");
            post(server.port(), "/socket.io/1/htmlfile/" + sid, "0::");
            assertEquals("/ client namespace disconnect", closes.take());
        }
    }

    @Test
    void flashsocketWithItsPolicyServer() throws Exception {
        Mailbox<String> closes = interop.mailbox("closes");
        HeldPort held = HeldPort.hold();
        int policyPort = held.port();
        Windsock server = server(closes, held);
        try (Socket policy = new Socket("127.0.0.1", policyPort)) {
            policy.setSoTimeout(10_000);
            policy.getOutputStream().write("<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(policy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("to-ports=\"" + server.port() + "\"") && answer.endsWith("\0"), answer);
        }
        String sid = handshake(server.port());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /socket.io/1/flashsocket/" + sid + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\nOrigin: http://127.0.0.1:" + server.port()
                    + "\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            assertTrue(readUntil(in, "\r\n\r\n").startsWith("HTTP/1.1 101"));
            assertArrayEquals("8jKS'y:G*Co,Wxa-".getBytes(StandardCharsets.ISO_8859_1), in.readNBytes(16));
            assertEquals("1::", frame(in));
            send(out, "5:7+::{\"name\":\"where\"}");
            assertEquals("6:::7+[\"/ flashsocket\"]", frame(in));
            send(out, "5:8+::{\"name\":\"hello\",\"args\":[{\"name\":\"Joes\"}]}");
            assertEquals("5:::{\"name\":\"thanks\",\"args\":[{\"name\":\"Joes\"}]}", frame(in));
            assertEquals("5:::{\"name\":\"hello\",\"args\":[\"Joes\",\"foobar\"]}", frame(in));
            assertEquals("6:::8", frame(in)); // a void handler acks without data
            send(out, "0::");
            assertEquals("/ client namespace disconnect", closes.take());
        }
    }

    /** Several packets in one body, each as U+FFFD, its length in UTF-16 units, U+FFFD, itself. */
    private static String framed(String... packets) {
        StringBuilder out = new StringBuilder();
        for (String packet : packets) {
            out.append('\ufffd').append(packet.length()).append('\ufffd').append(packet);
        }
        return out.toString();
    }

    private static void send(OutputStream out, String packet) throws Exception {
        out.write(0x00);
        out.write(packet.getBytes(StandardCharsets.UTF_8));
        out.write(0xFF);
        out.flush();
    }

    /** The next hixie-76 text frame that is not a heartbeat. */
    private static String frame(InputStream in) throws Exception {
        String text;
        do {
            assertEquals(0x00, in.read());
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != 0xFF) {
                assertTrue(b >= 0, "connection closed inside a frame");
                frame.write(b);
            }
            text = frame.toString(StandardCharsets.UTF_8);
        } while ("2::".equals(text));
        return text;
    }

    private static String handshake(int port) throws Exception {
        String body = request(port, "GET /socket.io/1/?t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(body.matches("[0-9a-f]{32}:17:25:websocket,flashsocket,htmlfile"), body);
        return body.substring(0, 32);
    }

    private static void post(int port, String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        request(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n" + body);
    }

    /** Sends a whole request on a connection of its own; returns the body of a 200. */
    private static String request(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.UTF_8).endsWith(marker)) { // slow, and enough for a test
            int b = in.read();
            assertTrue(b >= 0, "stream ended before " + marker + ": " + seen.toString(StandardCharsets.UTF_8));
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
