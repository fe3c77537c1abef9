package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.windsock.Windsock;
import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * socket.io-client 0.9's {@code send(data, fn)} (and {@code json.send}) asks for an ack with an id
 * without {@code +}: the 0.9 server acknowledges it itself, at once and whatever the application does
 * ({@code 6:::id}, on the packet's endpoint), and the callback takes no data. Only {@code +} (an
 * {@code emit} with a callback) leaves the answer to the application.
 */
class Sio1AutoAckTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>(100);
    private Windsock server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anIdWithoutPlusIsAcknowledgedAtOnceWhateverTheApplicationDoes() throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).protocol1(Protocol1Options.DEFAULT).build())
                .namespace("/", ns -> ns.onConnection(s -> {
                    s.on("message", (args, ack) -> { }); // as a 0.9 handler is written: no ack
                    s.on("ping", (args, ack) -> ack.send("pong"));
                }))
                .namespace("/chat", ns -> { }) // no listener at all
                .build().start();
        String handshake = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/socket.io/1/"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String sid = handshake.substring(0, handshake.indexOf(':'));
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + sid), new Collect())
                .get(10, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(10, TimeUnit.SECONDS));

        send(ws, "3:5::hi");
        assertEquals("6:::5", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "4:6::{\"a\":1}");
        assertEquals("6:::6", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "1::/chat");
        assertEquals("1::/chat", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "3:7:/chat:hi");
        assertEquals("6::/chat:7", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "5:8+::{\"name\":\"ping\"}");
        assertEquals("6:::8+[\"pong\"]", frames.poll(10, TimeUnit.SECONDS), "acked once each, in order");
        ws.abort();
    }

    private static void send(WebSocket ws, String packet) throws Exception {
        ws.sendText(packet, true).get(10, TimeUnit.SECONDS);
    }

    private final class Collect implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (!frame.startsWith("2::")) { // heartbeats
                    frames.offer(frame);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
