package io.windsock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Socket.IO v4 client on the JDK's WebSocket, joined to "/" before {@link #connect} returns: it
 * answers the server's pings and nothing else (events, even those asking for an ack, go unanswered);
 * the packets after the CONNECT reply, pings aside, go to the given consumer, on the JDK's thread.
 */
public final class V4TestClient implements WebSocket.Listener {
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final Consumer<String> packets;
    private WebSocket ws;

    private V4TestClient(Consumer<String> packets) {
        this.packets = packets;
    }

    public static V4TestClient connect(HttpClient http, int port) throws Exception {
        return connect(http, port, packet -> { });
    }

    public static V4TestClient connect(HttpClient http, int port, Consumer<String> packets) throws Exception {
        V4TestClient client = new V4TestClient(packets);
        client.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(10, TimeUnit.SECONDS);
        client.joined.get(10, TimeUnit.SECONDS);
        return client;
    }

    public synchronized void send(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** Sends a WebSocket close frame: the server ends the session ("transport close"). */
    public synchronized void close() throws Exception {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.startsWith("0{")) {
                webSocket.sendText("40", true);
            } else if (message.startsWith("40")) {
                joined.complete(null);
            } else if (message.equals("2")) {
                webSocket.sendText("3", true);
            } else {
                packets.accept(message);
            }
        }
        webSocket.request(1);
        return null;
    }
}
