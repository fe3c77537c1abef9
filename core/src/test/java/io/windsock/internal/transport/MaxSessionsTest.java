package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.internal.sio1.Protocol1Servers;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One {@code maxSessions} for every generation: Engine.IO v4, v3 and Socket.IO 0.9 handshakes share it. */
class MaxSessionsTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();

    @Test
    void handshakesPastTheCapAreRefusedAsEachClientGenerationRetries() throws Exception {
        Windsock server = servers.start(options -> options.maxSessions(2), app -> app.namespace("/", ns -> { }));
        assertEquals(2, server.options().maxSessions());
        assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode());
        assertEquals(200, get("/socket.io/1/").statusCode());

        HttpResponse<String> v4 = get("/socket.io/?EIO=4&transport=polling");
        assertEquals(403, v4.statusCode(), "as Node refuses through allowRequest");
        assertEquals("{\"code\":4,\"message\":\"Too many sessions\"}", v4.body());
        assertEquals(403, get("/socket.io/?EIO=3&transport=polling").statusCode());
        HttpResponse<String> v09 = get("/socket.io/1/");
        assertEquals(503, v09.statusCode());
        assertEquals("Too many sessions", v09.body());
        assertEquals(2, server.stats().engineSessions(), "the refused ones never existed");
    }

    @Test
    void theDefaultFollowsMaxConnections() {
        assertEquals(500, WindsockOptions.builder().maxConnections(500).build().maxSessions());
        assertEquals(7, WindsockOptions.builder().maxConnections(500).maxSessions(7).build().toBuilder().build().maxSessions());
        assertTrue(WindsockOptions.builder().build().maxSessions() >= 64);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servers.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
