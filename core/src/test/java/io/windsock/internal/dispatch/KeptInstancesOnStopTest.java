package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.testing.V4TestClient;
import io.windsock.Windsock;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stopped server keeps no connection instance for recovery (it never starts again): neither those
 * kept before the stop, for their two minutes, nor those of the sockets the stop made leave.
 */
class KeptInstancesOnStopTest {
    public static class Plain extends SocketConnection {
    }

    @Test
    void stopDropsEveryKeptInstance() throws Exception {
        CompletableFuture<Namespace> main = new CompletableFuture<>();
        CountDownLatch firstLeft = new CountDownLatch(1);
        Windsock server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .connectionStateRecovery(ConnectionStateRecovery.defaults()).build())
                .namespace("/", ns -> {
                    Connections.serve(ns, Plain::new);
                    // Registered after the connection class's own: runs once its instance was kept.
                    ns.onConnection(socket -> socket.onDisconnect(reason -> firstLeft.countDown()));
                    main.complete(ns);
                })
                .build().start();
        boolean stopped = false;
        try {
            ServedNamespace served = ConnectionInstaller.served(main.get(10, TimeUnit.SECONDS));
            HttpClient http = HttpClient.newHttpClient();
            V4TestClient.connect(http, server.port()).close(); // transport close: recoverable
            assertTrue(firstLeft.await(10, TimeUnit.SECONDS));
            assertEquals(1, served.keptCount(), "kept for the client's recovery while the server runs");

            V4TestClient.connect(http, server.port()); // still connected at the stop: leaves with server shutting down
            server.stop();
            stopped = true;
            assertEquals(0, served.keptCount());
        } finally {
            if (!stopped) {
                server.stop();
            }
        }
    }
}
