package io.windsock.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A protocol generation on a transport, and how a fuzzing session sends mutated messages over it. */
enum FuzzTarget {
    V4_WEBSOCKET, V4_POLLING, V3_WEBSOCKET, V3_POLLING, SIO1_WEBSOCKET, SIO1_POLLING;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** @return a new session of this kind on the server, its handshake done and "/" and "/chat" joined */
    FuzzSession open(HttpClient http, int port, WireMutator mutator) throws Exception {
        FuzzSession session = handshake(http, port, mutator);
        String joins = switch (this) {
            case V4_WEBSOCKET -> "40\u001e40/chat,";
            case V4_POLLING -> "40\u001e40/chat,";
            case V3_WEBSOCKET, V3_POLLING -> "40/chat,"; // "/" joined by the handshake
            case SIO1_WEBSOCKET, SIO1_POLLING -> "1::/chat";
        };
        for (String join : joins.split("\u001e")) {
            session.sendRaw(this == V3_POLLING ? join.length() + ":" + join : join);
        }
        return session;
    }

    private FuzzSession handshake(HttpClient http, int port, WireMutator mutator) throws Exception {
        String base = "http://127.0.0.1:" + port + "/socket.io/";
        return switch (this) {
            case V4_WEBSOCKET, V3_WEBSOCKET -> new WebSocketSession(http, URI.create("ws://127.0.0.1:" + port
                    + "/socket.io/?EIO=" + (this == V4_WEBSOCKET ? 4 : 3) + "&transport=websocket"),
                    () -> mutator.next(WireMutator.V4), mutator, this == V3_WEBSOCKET);
            case V4_POLLING, V3_POLLING -> {
                int eio = this == V4_POLLING ? 4 : 3;
                String sid = sid(get(http, base + "?EIO=" + eio + "&transport=polling"));
                String post = base + "?EIO=" + eio + "&transport=polling&sid=" + sid;
                yield new PollingSession(http, post, () -> eio == 4 ? v4Payload(mutator) : v3Payload(mutator), mutator);
            }
            case SIO1_WEBSOCKET -> {
                String sid = get(http, base + "1/").split(":", 2)[0];
                yield new WebSocketSession(http, URI.create("ws://127.0.0.1:" + port + "/socket.io/1/websocket/"
                        + sid), () -> mutator.oneIn(8) ? sio1Frames(mutator) : mutator.next(WireMutator.SIO1),
                        null, false);
            }
            case SIO1_POLLING -> {
                String sid = get(http, base + "1/").split(":", 2)[0];
                String polling = base + "1/xhr-polling/" + sid;
                get(http, polling); // opens the connection: "1::"
                yield new PollingSession(http, polling, () -> mutator.oneIn(3) ? sio1Frames(mutator)
                        : mutator.next(WireMutator.SIO1), mutator);
            }
        };
    }

    private static String v4Payload(WireMutator mutator) {
        List<String> packets = new ArrayList<>();
        for (int i = 1 + mutator.below(3); i > 0; i--) {
            packets.add(mutator.oneIn(6) ? "b" + Base64.getEncoder().encodeToString(mutator.bytes())
                    : mutator.next(WireMutator.V4));
        }
        return String.join("\u001e", packets);
    }

    /** Engine.IO v3's payload: each packet after its length in characters, a length that may lie. */
    private static String v3Payload(WireMutator mutator) {
        StringBuilder payload = new StringBuilder();
        for (int i = 1 + mutator.below(3); i > 0; i--) {
            String packet = mutator.oneIn(6) ? "b4" + Base64.getEncoder().encodeToString(mutator.bytes())
                    : mutator.next(WireMutator.V4);
            int length = mutator.oneIn(8) ? packet.length() + mutator.below(5) - 2 : packet.length();
            payload.append(length).append(':').append(packet);
        }
        return payload.toString();
    }

    /** Socket.IO 0.9's framing of several packets in one message: U+FFFD, length, U+FFFD, packet. */
    private static String sio1Frames(WireMutator mutator) {
        StringBuilder frames = new StringBuilder();
        for (int i = 1 + mutator.below(3); i > 0; i--) {
            String packet = mutator.next(WireMutator.SIO1);
            int length = mutator.oneIn(8) ? packet.length() + mutator.below(5) - 2 : packet.length();
            frames.append('\ufffd').append(length).append('\ufffd').append(packet);
        }
        return frames.toString();
    }

    private static String sid(String handshake) {
        int at = handshake.indexOf("\"sid\":\"");
        if (at < 0) {
            throw new IllegalStateException("no sid in " + handshake);
        }
        return handshake.substring(at + 7, handshake.indexOf('"', at + 7));
    }

    private static String get(HttpClient http, String uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A polling session: each message one POST, whose body may have a byte that breaks its UTF-8. */
    private static final class PollingSession implements FuzzSession {
        private final HttpClient http;
        private final URI uri;
        private final TextSource payloads;
        private final WireMutator mutator;

        PollingSession(HttpClient http, String uri, TextSource payloads, WireMutator mutator) {
            this.http = http;
            this.uri = URI.create(uri);
            this.payloads = payloads;
            this.mutator = mutator;
        }

        @Override
        public boolean sendNext() throws Exception {
            byte[] bytes = payloads.next().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0 && mutator.oneIn(10)) {
                bytes[mutator.below(bytes.length)] = (byte) (0x80 | mutator.below(0x80)); // not UTF-8 any more
            }
            return post(bytes);
        }

        @Override
        public boolean sendRaw(String payload) throws Exception {
            return post(payload.getBytes(StandardCharsets.UTF_8));
        }

        /** @return whether the session took the request (else it is gone) */
        private boolean post(byte[] body) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        }
    }

    /** A session over the JDK's WebSocket client, which reads and drops whatever the server sends. */
    private static final class WebSocketSession extends DrainingListener implements FuzzSession {
        private final WebSocket ws;
        private final TextSource texts;
        private final WireMutator binaries;
        private final boolean v3Binary;

        /** @param binaries the source of binary frames (Engine.IO v3 frames start with their type, 4), or null */
        WebSocketSession(HttpClient http, URI uri, TextSource texts, WireMutator binaries, boolean v3Binary)
                throws Exception {
            this.texts = texts;
            this.binaries = binaries;
            this.v3Binary = v3Binary;
            this.ws = http.newWebSocketBuilder().buildAsync(uri, this).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public boolean sendNext() throws Exception {
            CompletableFuture<WebSocket> sent;
            if (binaries != null && binaries.oneIn(6)) {
                byte[] bytes = binaries.bytes();
                ByteBuffer frame = ByteBuffer.allocate(bytes.length + (v3Binary ? 1 : 0));
                if (v3Binary) {
                    frame.put((byte) 4);
                }
                sent = ws.sendBinary(frame.put(bytes).flip(), true);
            } else {
                sent = ws.sendText(texts.next(), true);
            }
            return sent(sent);
        }

        @Override
        public boolean sendRaw(String text) {
            return sent(ws.sendText(text, true));
        }

        private boolean sent(CompletableFuture<WebSocket> sent) {
            try {
                sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return !ws.isInputClosed();
            } catch (Exception e) { // closed by the server, or text the JDK's client will not encode
                ws.abort();
                return false;
            }
        }

        @Override
        public void close() {
            ws.abort();
        }

    }

    @FunctionalInterface
    private interface TextSource {
        String next();
    }
}
