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
 * A socket.io-client 0.9 namespace object outlives its membership: after {@code connect_failed}, after
 * its own {@code disconnect()} and after the server's {@code 0::/chat}, it still sends what the page
 * emits there, and still acks (and may answer) what the server sent there. After a reconnection it
 * sends what was emitted meanwhile before its {@code 1::/chat}, which comes twice for a namespace first
 * used while reconnecting. The 0.9 server takes such a packet and nothing comes of it; the client's
 * other endpoints, "/" included, go on.
 */
class Sio1EndpointNotJoinedTest {
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
    void packetsForAnEndpointTheClientIsNotInAreIgnoredAndTheSessionGoesOn() throws Exception {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).protocol1(Protocol1Options.DEFAULT).build())
                .namespace("/", ns -> ns.onConnection(s -> s.on("ping", (args, ack) -> ack.send("pong"))))
                .namespace("/chat", ns -> ns.onConnection(s -> s.on("kick", (args, ack) -> s.disconnect())))
                .build().start();
        String handshake = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/socket.io/1/"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String sid = handshake.substring(0, handshake.indexOf(':'));
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + sid), new Collect())
                .get(10, TimeUnit.SECONDS);
        assertEquals("1::", frames.poll(10, TimeUnit.SECONDS));

        send(ws, "1::/nope");
        assertEquals("7::/nope:2", frames.poll(10, TimeUnit.SECONDS)); // connect_failed
        send(ws, "5::/nope:{\"name\":\"x\"}"); // the page emits there anyway
        send(ws, "0::/nope"); // and disconnects it
        send(ws, "5:1+::{\"name\":\"ping\"}");
        assertEquals("6:::1+[\"pong\"]", frames.poll(10, TimeUnit.SECONDS), "the session went on");

        // After a reconnection the client sends what the page emitted meanwhile first, then 1::/chat;
        // a namespace first used while it reconnected sends 1::/chat twice.
        send(ws, "5::/chat:{\"name\":\"buffered\"}");
        send(ws, "1::/chat");
        send(ws, "1::/chat");
        assertEquals("1::/chat", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "5:2+::{\"name\":\"ping\"}");
        assertEquals("6:::2+[\"pong\"]", frames.poll(10, TimeUnit.SECONDS), "the session went on");
        send(ws, "5::/chat:{\"name\":\"kick\"}");
        assertEquals("0::/chat", frames.poll(10, TimeUnit.SECONDS));
        send(ws, "5::/chat:{\"name\":\"late\"}"); // sent before the client read 0::/chat
        send(ws, "5:3+::{\"name\":\"ping\"}");
        assertEquals("6:::3+[\"pong\"]", frames.poll(10, TimeUnit.SECONDS), "the session went on");
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
