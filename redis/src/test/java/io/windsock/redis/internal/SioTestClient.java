package io.windsock.redis.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO v4 client of the main namespace on the JDK's WebSocket: it joins with an auth payload,
 * answers the server's pings, and keeps the events it receives, each as its packet's JSON array.
 */
final class SioTestClient implements WebSocket.Listener, AutoCloseable {
    private final CompletableFuture<String> joined = new CompletableFuture<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final String auth;
    private WebSocket ws;

    private SioTestClient(String auth) {
        this.auth = auth;
    }

    /** Connects to a server on 127.0.0.1 and waits until it joined "/" with this auth (JSON). */
    static SioTestClient connect(HttpClient http, int port, String auth) throws Exception {
        SioTestClient client = new SioTestClient(auth);
        client.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(10, TimeUnit.SECONDS);
        client.joined.get(10, TimeUnit.SECONDS);
        return client;
    }

    /** @return the session id the server gave */
    String id() {
        String payload = joined.join();
        return payload.substring(payload.indexOf("\"sid\":\"") + 7, payload.lastIndexOf('"'));
    }

    /** @return the next event's JSON array, or null when none came within the time */
    String poll(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.startsWith("0{")) {
                webSocket.sendText("40" + auth, true);
            } else if (message.startsWith("40")) {
                joined.complete(message.substring(2));
            } else if (message.equals("2")) {
                webSocket.sendText("3", true);
            } else if (message.startsWith("42")) {
                events.add(message.substring(2));
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        ws.abort();
    }
}
