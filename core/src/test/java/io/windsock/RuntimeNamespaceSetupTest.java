package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ConnectError;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Over real WebSockets, on the handler pool with two network threads: a client whose CONNECT reaches a
 * namespace while another thread sets it up with {@code of(name, setup)} meets the middleware the setup
 * adds after that CONNECT arrived.
 */
class RuntimeNamespaceSetupTest {
    private static void awaitSockets(Windsock server, long count) {
        Await.until(() -> server.stats().sockets() == count, Duration.ofSeconds(10),
                () -> server.stats().sockets() + " sockets, not " + count);
    }

    @Test
    void aClientArrivingDuringTheSetupMeetsItsMiddleware() throws Exception {
        Windsock server = Windsock.builder().options(WindsockOptions.builder().port(0).ioThreads(2).build()).build().start();
        try {
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            V4TestClient client = V4TestClient.connect(HttpClient.newHttpClient(), server.port(), replies::add);
            for (int i = 0; i < 10; i++) {
                String name = "/n" + i;
                awaitSockets(server, 1); // the socket refused last time has closed
                CountDownLatch created = new CountDownLatch(1);
                CompletableFuture<Void> setUp = CompletableFuture.runAsync(() -> server.of(name, namespace -> {
                    created.countDown();
                    awaitSockets(server, 2); // the client's CONNECT found the namespace and made its socket
                    namespace.use(socket -> {
                        throw new ConnectError("set up");
                    });
                }));
                assertTrue(created.await(10, TimeUnit.SECONDS));
                client.send("40" + name + ",");
                setUp.get(10, TimeUnit.SECONDS);
                assertEquals("44" + name + ",{\"message\":\"set up\"}", replies.poll(10, TimeUnit.SECONDS));
            }
            client.close();
        } finally {
            server.stop();
        }
    }
}
