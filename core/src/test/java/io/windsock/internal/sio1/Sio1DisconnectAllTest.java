package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.DisconnectReason;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code socket.disconnect(true)} closes the whole connection of a 0.9 client: it gets {@code 0::}
 * alone, as the 0.9 server boots a client. On {@code 0::} the 0.9 client emits "disconnect" on every
 * endpoint it has, so a {@code 0::/chat} besides (before or after) would make "/chat" emit it twice.
 */
class Sio1DisconnectAllTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private final Map<String, DisconnectReason> closes = new ConcurrentHashMap<>();
    private Windsock server;

    /** @param from the endpoint whose socket calls {@code disconnect(true)} */
    @ParameterizedTest
    @ValueSource(strings = {"", "/chat"})
    void theClientGetsOneDisconnectForTheWholeSession(String from) throws Exception {
        server = servers.start(app -> app
                .namespace("/", ns -> ns.onConnection(socket -> {
                    socket.onDisconnect(reason -> closes.put("/", reason));
                    socket.on("bye", (args, ack) -> socket.disconnect(true));
                }))
                .namespace("/chat", ns -> ns.onConnection(socket -> {
                    socket.onDisconnect(reason -> closes.put("/chat", reason));
                    socket.on("bye", (args, ack) -> socket.disconnect(true));
                })));
        String sid = get("/socket.io/1/").body().split(":")[0];
        String poll = "/socket.io/1/xhr-polling/" + sid;
        assertEquals("1::", get(poll).body());
        post(poll, "1::/chat");
        assertEquals("1::/chat", get(poll).body());

        post(poll, "5::" + from + ":{\"name\":\"bye\",\"args\":[]}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closes.size() < 2) {
            assertTrue(System.nanoTime() < deadline, "never closed: " + closes);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals("0::", get(poll).body(), "the session's disconnect and nothing besides");
        assertEquals(Map.of("/", DisconnectReason.SERVER_NAMESPACE_DISCONNECT,
                "/chat", DisconnectReason.SERVER_NAMESPACE_DISCONNECT), closes);
        assertEquals(401, get(poll).statusCode(), "the session is over");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body) throws Exception {
        assertEquals(200, servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
