package io.windsock.internal.sio1;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO 0.9 client at the packet level, for tests: the handshake over HTTP, then a WebSocket (the JDK's)
 * whose frames, heartbeats left out, wait in a queue.
 */
final class RawSio1WebSocket implements AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>(100);
    private final String sid;
    private final WebSocket ws;

    private RawSio1WebSocket(HttpClient http, int port, String sid) throws Exception {
        this.sid = sid;
        this.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/1/websocket/" + sid), new Collect())
                .get(10, TimeUnit.SECONDS);
    }

    /** @return the session id of a handshake with the server on {@code port} */
    static String handshake(HttpClient http, int port) throws IOException, InterruptedException {
        String answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/1/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return answer.substring(0, answer.indexOf(':'));
    }

    /** Opens the WebSocket of the session {@code sid}. */
    static RawSio1WebSocket open(HttpClient http, int port, String sid) throws Exception {
        return new RawSio1WebSocket(http, port, sid);
    }

    /** A handshake, then its WebSocket. */
    static RawSio1WebSocket connect(HttpClient http, int port) throws Exception {
        return open(http, port, handshake(http, port));
    }

    String sid() {
        return sid;
    }

    void send(String packet) throws Exception {
        ws.sendText(packet, true).get(10, TimeUnit.SECONDS);
    }

    /** @return the next frame but a heartbeat, or null after 10 s */
    String next() throws InterruptedException {
        return frames.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Collect implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (!frame.startsWith("2::")) {
                    frames.offer(frame);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
