package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.AllowRequest;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.EngineServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The choice of a Netty transport when a native one is missing (a platform without its library, a
 * kernel or seccomp profile refusing io_uring), simulated by giving the availability.
 */
class NettyTransportFallbackTest {
    private static final List<NettyTransport> ALL = List.of(NettyTransport.IO_URING, NettyTransport.EPOLL,
            NettyTransport.NIO);

    @Test
    void theFirstAvailableOfThePreferencesIsChosen() {
        assertEquals(NettyTransport.IO_URING, NettyTransport.choose(ALL, t -> true));
        assertEquals(NettyTransport.EPOLL, NettyTransport.choose(ALL, t -> t != NettyTransport.IO_URING));
        assertEquals(NettyTransport.NIO, NettyTransport.choose(ALL, t -> false), "NIO needs no probe");
        assertEquals(NettyTransport.NIO, NettyTransport.choose(List.of(NettyTransport.EPOLL), t -> false),
                "NIO when none of the preferences is available");
        assertEquals(NettyTransport.NIO, NettyTransport.choose(List.of(NettyTransport.NIO), t -> true));
    }

    @Test
    void withoutNativeLibrariesTheServerRunsOnNioAndAnswers() throws Exception {
        HttpServerSettings settings = new HttpServerSettings(Duration.ofSeconds(60), Duration.ofSeconds(300),
                Duration.ofSeconds(5), Integer.MAX_VALUE, null, true, ALL);
        TransportConfig config = new TransportConfig("/engine.io/", EngineOptions.DEFAULT, null, AllowRequest.ALL,
                false, false, HttpFallback.NONE, null, settings);
        EngineServer engine = new EngineServer(config.engine(), session -> { });
        HttpServer server = new HttpServer(config, engine, Set.of(NettyTransport.NIO)::contains,
                UnaryOperator.identity());
        try {
            int port = server.start("127.0.0.1", 0, 1).getPort();
            assertEquals(NettyTransport.NIO, server.transport());
            HttpResponse<String> open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, open.statusCode());
            assertTrue(open.body().startsWith("0{\"sid\":"), open.body());
        } finally {
            server.stop();
        }
    }
}
