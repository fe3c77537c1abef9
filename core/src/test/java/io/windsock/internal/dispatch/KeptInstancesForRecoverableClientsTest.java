package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.windsock.Connections;
import io.windsock.testing.V4TestClient;
import io.windsock.Windsock;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance is kept for recovery only when its client can recover: a socket.io-client 2.x client
 * (Engine.IO v3) gets no session, so keeping its instance would hold memory for nothing and, at the
 * cap, push out the instance a v5 client comes back for. On a real server and real clients.
 */
class KeptInstancesForRecoverableClientsTest {
    public static class Counter extends SocketConnection {
        int count;

        @Event
        public int increment() {
            return ++count;
        }
    }

    private final BlockingQueue<DisconnectReason> left = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;
    private ServedNamespace served;
    private Namespace main;

    private void start(ConnectionStateRecovery recovery) throws Exception {
        CompletableFuture<Namespace> ready = new CompletableFuture<>();
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2).connectionStateRecovery(recovery).build())
                .namespace("/", ns -> {
                    Connections.serve(ns, Counter::new);
                    // Added after the connection class's listener: it runs once the instance was kept, or not.
                    ns.onConnection(socket -> socket.onDisconnect(left::add));
                    ready.complete(ns);
                })
                .build().start();
        main = ready.get(10, TimeUnit.SECONDS);
        served = ConnectionInstaller.served(main);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void awaitLeft() throws InterruptedException {
        DisconnectReason reason = left.poll(10, TimeUnit.SECONDS);
        assertNotNull(reason, "the socket left");
        assertEquals(DisconnectReason.TRANSPORT_CLOSE, reason, "a recoverable reason");
    }

    @Test
    void anEngineIoV3ClientKeepsNoInstance() throws Exception {
        start(ConnectionStateRecovery.defaults());
        V3Client.connect(http, server.port()).close();
        awaitLeft();
        assertEquals(0, served.keptCount(), "its client cannot recover");

        V4TestClient.connect(http, server.port()).close();
        awaitLeft();
        assertEquals(1, served.keptCount(), "a v5 client's is kept");
    }

    @Test
    void atTheCapAV3DropLeavesTheV5ClientItsInstance() throws Exception {
        start(ConnectionStateRecovery.defaults().withMaxPersistedSessions(1));
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient v5 = V4TestClient.connect(http, server.port(), packets::add);
        String pid = (String) json(v5.joined().get(10, TimeUnit.SECONDS)).get("pid");
        v5.send("421[\"increment\"]");
        assertEquals("431[1]", next(packets));
        main.emit("tick"); // stored for recovery: its offset lets the client recover
        List<?> tick = (List<?>) Fixtures.MAPPER.readValue(next(packets).substring(2), List.class);
        v5.close();
        awaitLeft();

        V3Client.connect(http, server.port()).close();
        awaitLeft();

        V4TestClient again = V4TestClient.open(http, server.port(),
                "{\"pid\":\"" + pid + "\",\"offset\":\"" + tick.get(tick.size() - 1) + "\"}", packets::add);
        again.joined().get(10, TimeUnit.SECONDS);
        again.send("422[\"increment\"]");
        assertEquals("432[2]", next(packets), "the same instance, its count intact");
        again.close();
    }

    private static Map<?, ?> json(String text) throws Exception {
        return Fixtures.MAPPER.readValue(text, Map.class);
    }

    private static String next(BlockingQueue<String> packets) throws InterruptedException {
        String packet = packets.poll(10, TimeUnit.SECONDS);
        assertNotNull(packet, "a packet from the server");
        return packet;
    }

    /** A socket.io-client 2.x client: Engine.IO v3 on a WebSocket, joined to "/" by the server's own CONNECT. */
    private static final class V3Client implements WebSocket.Listener {
        private final CompletableFuture<Void> joined = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        static V3Client connect(HttpClient http, int port) throws Exception {
            V3Client client = new V3Client();
            client.ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=3&transport=websocket"), client)
                    .get(10, TimeUnit.SECONDS);
            client.joined.get(10, TimeUnit.SECONDS);
            return client;
        }

        /** A WebSocket close frame: the socket leaves with "transport close", a recoverable reason. */
        void close() throws Exception {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.toString().equals("40")) {
                    joined.complete(null);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
