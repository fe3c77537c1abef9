package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.server.DisconnectReason;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
