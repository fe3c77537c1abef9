package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handshake's query is split on {@code &} only, as Node splits it: {@code token=a;b} reaches the
 * application as {@code a;b}, through real HTTP requests of every protocol generation; of a repeated
 * engine parameter the last counts, as in engine.io.
 */
class HandshakeQuerySeparatorTest {
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<List<String>> allowed = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<String>> middleware = new LinkedBlockingQueue<>();
    private Windsock server;

    @BeforeEach
    void start() {
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).protocol1(Protocol1Options.DEFAULT)
                        .allowRequest(request -> allowed.add(List.copyOf(request.query().getOrDefault("token", List.of()))))
                        .build())
                .namespace("/", ns -> ns.use(socket -> middleware.add(socket.handshake().query().get("token"))))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    private URI uri(String target) {
        return URI.create("http://127.0.0.1:" + server.port() + target);
    }

    @Test
    void anEngineIo4HandshakesSemicolonReachesAMiddlewareInItsValue() throws Exception {
        String open = send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&token=a;b&token=c"))).body();
        assertEquals(List.of("a;b", "c"), allowed.poll(10, TimeUnit.SECONDS));
        Matcher sid = SID.matcher(open);
        assertTrue(sid.find(), open);
        send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&sid=" + sid.group(1)))
                .POST(HttpRequest.BodyPublishers.ofString("40")));
        assertEquals(List.of("a;b", "c"), middleware.poll(10, TimeUnit.SECONDS));
    }

    /** engine.io 6 reads its own parameters through {@code Object.fromEntries}: the last of a name counts. */
    @Test
    void theLastOfARepeatedEngineParameterCountsAsInNode() throws Exception {
        String open = send(HttpRequest.newBuilder(uri("/socket.io/?EIO=3&transport=websocket&EIO=4&transport=polling"))).body();
        assertTrue(open.startsWith("0{\"sid\""), open); // Engine.IO 4 over polling; v3 would frame it, and websocket needs an upgrade
        allowed.poll(10, TimeUnit.SECONDS);
    }

    @Test
    void anEngineIo3HandshakesSemicolonIsPartOfItsValue() throws Exception {
        send(HttpRequest.newBuilder(uri("/socket.io/?EIO=3&transport=polling&token=a;b")));
        assertEquals(List.of("a;b"), allowed.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aSocketIo09HandshakesSemicolonIsPartOfItsValue() throws Exception {
        send(HttpRequest.newBuilder(uri("/socket.io/1/?token=a;b&t=1")));
        assertEquals(List.of("a;b"), allowed.poll(10, TimeUnit.SECONDS));
    }
}
