package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The 0.9 client sends a namespace's disconnect ({@code 0::/chat}) even while that namespace is still
 * connecting, and the 0.9 server took it. Closing the connection on it, as Node 4.8 does for its own
 * clients (which never send one), would boot the 0.9 client for good ({@code 0::}): the namespace is
 * left, the session stays. Real handler pool, two network threads.
 */
class Sio1DisconnectWhileConnectingTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private Windsock server;

    @Test
    void leavingANamespaceWhileItsMiddlewareRunsLeavesItAndKeepsTheSession() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server = servers.start(options -> options.ioThreads(2), app -> app
                .namespace("/", ns -> ns.onConnection(socket -> socket.on("ping", (args, ack) -> ack.send("pong"))))
                .namespace("/chat", ns -> ns.use(socket -> {
                    entered.countDown();
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                })));
        String sid = get("/socket.io/1/").body().split(":")[0];
        String polling = "/socket.io/1/xhr-polling/" + sid;
        assertEquals("1::", get(polling).body());

        post(polling, "1::/chat");
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the middleware runs");
        post(polling, "0::/chat");
        release.countDown();
        awaitSockets(1); // "/" only: /chat left once its middleware returned

        post(polling, "5:1+::{\"name\":\"ping\",\"args\":[]}");
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.stream().noneMatch(b -> b.contains("6:::1+[\"pong\"]")) && System.nanoTime() < deadline) {
            bodies.add(get(polling).body());
        }
        assertTrue(bodies.stream().anyMatch(b -> b.contains("6:::1+[\"pong\"]")), bodies::toString);
        assertFalse(bodies.stream().anyMatch(b -> b.contains("0::")), "not booted: " + bodies);
        assertFalse(bodies.stream().anyMatch(b -> b.contains("1::/chat")), "/chat never answered: " + bodies);

        // Its slot is free again: joining /chat anew is a first CONNECT, not a second one.
        post(polling, "1::/chat");
        bodies.clear();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.stream().noneMatch(b -> b.contains("1::/chat")) && System.nanoTime() < deadline) {
            bodies.add(get(polling).body());
        }
        assertTrue(bodies.stream().anyMatch(b -> b.contains("1::/chat")), bodies::toString);
        assertFalse(bodies.stream().anyMatch(b -> b.contains("0::")), "not booted: " + bodies);
    }

    private void awaitSockets(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.stats().sockets() != count) {
            assertTrue(System.nanoTime() < deadline, "sockets: " + server.stats().sockets());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a count to poll: no event to wait on
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body) throws Exception {
        servers.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
