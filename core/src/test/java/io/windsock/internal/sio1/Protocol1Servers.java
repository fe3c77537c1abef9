package io.windsock.internal.sio1;

import io.windsock.Windsock;
import io.windsock.server.Protocol1Options;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers with Socket.IO 0.9 enabled on a free port, stopped after each test, and an HTTP client to
 * reach them. Register it as an instance field with {@code @RegisterExtension}.
 */
public final class Protocol1Servers implements AfterEachCallback {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Windsock> started = new ArrayList<>();

    /** Starts a server with the default 0.9 options; {@code app} adds its namespaces and the like. */
    public Windsock start(Consumer<Windsock.Builder> app) {
        return start(options -> { }, app);
    }

    /**
     * Starts a server on a free port with {@link Protocol1Options#DEFAULT}; {@code options} may change
     * any option, those two included, and {@code app} adds its namespaces and the like.
     */
    public Windsock start(Consumer<WindsockOptions.Builder> options, Consumer<Windsock.Builder> app) {
        WindsockOptions.Builder chosen = WindsockOptions.builder().port(0).protocol1(Protocol1Options.DEFAULT);
        options.accept(chosen);
        Windsock.Builder builder = Windsock.builder().options(chosen.build());
        app.accept(builder);
        Windsock server = builder.build().start();
        started.add(server);
        return server;
    }

    /** The port of the server started last in this test. */
    public int port() {
        if (started.isEmpty()) {
            throw new IllegalStateException("no server started in this test");
        }
        return started.get(started.size() - 1).port();
    }

    /** A client for the servers' HTTP and WebSocket endpoints. */
    public HttpClient http() {
        return http;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // Stopped whatever the test did, so that one failing leaves no server behind for the next.
        for (Windsock server : started) {
            server.stop();
        }
        started.clear();
    }
}
