package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.DisconnectReason;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 0.9 client's "/" disconnected by the server: the DISCONNECT closes the whole session, on the
 * session's own event loop when the handler runs there, and the socket closes once either way.
 */
class Sio1ServerDisconnectTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private final List<DisconnectReason> closes = new CopyOnWriteArrayList<>();
    private Windsock server;

    /**
     * @param onTheLoop handlers on the one network thread (the disconnect then closes the session on
     *                  its own loop, the case that closed twice), else the default pool and two loops
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aServerDisconnectOfMainClosesTheSocketOnce(boolean onTheLoop) throws Exception {
        server = servers.start(options -> {
            if (onTheLoop) {
                options.ioThreads(1).handlerExecutor(Runnable::run);
            } else {
                options.ioThreads(2);
            }
        }, app -> app.namespace("/", ns -> ns.onConnection(socket -> {
            socket.onDisconnect(closes::add);
            socket.on("bye", (args, ack) -> socket.disconnect());
        })));
        String sid = get("/socket.io/1/").body().split(":")[0];
        assertEquals("1::", get("/socket.io/1/xhr-polling/" + sid).body());
        post("/socket.io/1/xhr-polling/" + sid, "5:::{\"name\":\"bye\",\"args\":[]}");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closes.isEmpty() || server.stats().sockets() > 0) {
            assertTrue(System.nanoTime() < deadline, "never closed: " + closes);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(List.of(DisconnectReason.SERVER_NAMESPACE_DISCONNECT), closes, "closed once, for its own reason");
        assertEquals(0, server.stats().sockets(), "counted out once");
    }

    /**
     * The 0.9 client leaves altogether on the {@code 0::} of "/" ("booted") but hands on what follows it
     * as if still connected: an event for another endpoint after it reached that endpoint's listeners
     * after their "disconnect". Broadcasts to "/chat" from another thread race a disconnect of "/" made
     * on a handler thread; default pool, two loops.
     */
    @RepeatedTest(5)
    void nothingOfAnotherEndpointFollowsTheDisconnectOfMain() throws Exception {
        List<DisconnectReason> chatCloses = new CopyOnWriteArrayList<>();
        server = servers.start(options -> options.ioThreads(2), app -> app
                .namespace("/chat", ns -> ns.onConnection(socket -> {
                    socket.join("room");
                    socket.onDisconnect(chatCloses::add);
                }))
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("bye", (args, ack) -> {
                    CountDownLatch underWay = new CountDownLatch(20);
                    Thread burst = new Thread(() -> {
                        for (int i = 0; i < 400; i++) {
                            server.of("/chat").to("room").emit("tick", i);
                            underWay.countDown();
                        }
                    });
                    burst.start();
                    try {
                        assertTrue(underWay.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    socket.disconnect();
                }))));
        String sid = get("/socket.io/1/").body().split(":")[0];
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket ws = servers.http().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/1/websocket/" + sid),
                        new WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    received.add(partial.toString());
                                    partial.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(null);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
        ws.sendText("1::/chat", true).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!received.contains("1::/chat")) {
            assertTrue(System.nanoTime() < deadline, "/chat joined: " + received);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        ws.sendText("5:::{\"name\":\"bye\",\"args\":[]}", true).get(10, TimeUnit.SECONDS);
        closed.get(10, TimeUnit.SECONDS);
        ws.abort();
        int disconnect = received.indexOf("0::");
        assertTrue(disconnect > 0, "the disconnect came: " + received.size() + " packets");
        assertEquals(List.of(), received.subList(disconnect + 1, received.size()), "nothing after the disconnect");
        while (chatCloses.isEmpty() || server.stats().sockets() > 0) {
            assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(10), "/chat never closed");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(List.of(DisconnectReason.SERVER_NAMESPACE_DISCONNECT), chatCloses, "/chat closed once, booted with \"/\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body) throws Exception {
        servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
