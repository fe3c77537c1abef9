package io.windsock.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Socket.IO v4 client on the JDK's WebSocket, joined to "/" before {@link #connect} returns (or
 * asking to join with an auth payload, see {@link #open}): it
 * answers the server's pings and nothing else (events, even those asking for an ack, go unanswered);
 * the packets after the CONNECT reply, pings aside, go to the given consumer, on the JDK's thread.
 */
public final class V4TestClient implements WebSocket.Listener {
    private final CompletableFuture<String> joined = new CompletableFuture<>();
    private final String auth;
    private final StringBuilder partial = new StringBuilder();
    private final Consumer<String> packets;
    private WebSocket ws;
    /** The last send: the JDK's WebSocket refuses a send while one is pending ("Send pending"); guarded by this. */
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

    private V4TestClient(String auth, Consumer<String> packets) {
        this.auth = auth;
        this.packets = packets;
    }

    public static V4TestClient connect(HttpClient http, int port) throws Exception {
        return connect(http, port, packet -> { });
    }

    public static V4TestClient connect(HttpClient http, int port, Consumer<String> packets) throws Exception {
        V4TestClient client = open(http, port, null, packets);
        client.joined.get(10, TimeUnit.SECONDS);
        return client;
    }

    /**
     * Opens the connection and asks to join "/" with this CONNECT payload (JSON, or null), without
     * waiting for the reply: see {@link #joined()}.
     */
    public static V4TestClient open(HttpClient http, int port, String auth, Consumer<String> packets) throws Exception {
        V4TestClient client = new V4TestClient(auth, packets);
        client.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    /** @return completes with the CONNECT reply's payload (JSON) once the client joined "/". */
    public CompletableFuture<String> joined() {
        return joined;
    }

    public void send(String text) throws Exception {
        afterLastSend(ws, w -> w.sendText(text, true)).get(10, TimeUnit.SECONDS);
    }

    /** Sends a WebSocket close frame: the server ends the session ("transport close"). */
    public void close() throws Exception {
        afterLastSend(ws, w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "")).get(10, TimeUnit.SECONDS);
    }

    /**
     * Sends once the previous send is done, whoever made it: the test's thread, or the JDK's answering a ping
     * or the OPEN packet (whose send may still be pending when the CONNECT reply it asked for arrives).
     */
    private synchronized CompletableFuture<WebSocket> afterLastSend(WebSocket target,
            Function<WebSocket, CompletableFuture<WebSocket>> send) {
        lastSend = lastSend.handle((sent, failed) -> target).thenCompose(send);
        return lastSend;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.startsWith("0{")) {
                afterLastSend(webSocket, w -> w.sendText(auth == null ? "40" : "40" + auth, true));
            } else if (message.startsWith("40")) {
                joined.complete(message.substring(2));
            } else if (message.equals("2")) {
                afterLastSend(webSocket, w -> w.sendText("3", true));
            } else {
                packets.accept(message);
            }
        }
        webSocket.request(1);
        return null;
    }
}
