package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.adapter.InMemoryAdapter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * socket.io-client 0.9 sends what the page emits on an endpoint right after its {@code 1::/chat},
 * without waiting for the answer (it buffers per connection, not per endpoint). The 0.9 server hands
 * such events to the connection's handlers; here the socket may still be joining (its namespace's
 * adapter not ready yet), and the events wait for it instead of being lost. One that leaves while
 * joining drops them.
 */
class Sio1EventsWhileJoiningTest {
    @RegisterExtension
    final Protocol1Servers servers = new Protocol1Servers();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private volatile CompletableFuture<Void> chatReady = new CompletableFuture<>();

    @Test
    void eventsSentWhileTheSocketJoinsAreHandledOnceItHasConnected() throws Exception {
        Windsock server = servers.start(app -> app
                .adapter(ns -> new InMemoryAdapter(ns) {
                    @Override
                    public CompletionStage<Void> ready() {
                        return "/chat".equals(ns.name()) ? chatReady : CompletableFuture.completedFuture(null);
                    }
                })
                .namespace("/", ns -> ns.onConnection(s -> s.on("ping", (args, ack) -> ack.send("pong"))))
                .namespace("/chat", ns -> ns.onConnection(s -> s.on("hello", (args, ack) -> seen.add("hello " + args)))));
        RawSio1WebSocket ws = RawSio1WebSocket.connect(servers.http(), server.port());
        assertEquals("1::", ws.next());

        ws.send("1::/chat");
        ws.send("5::/chat:{\"name\":\"hello\",\"args\":[1]}");
        ws.send("5::/chat:{\"name\":\"hello\",\"args\":[2]}");
        ws.send("5:1+::{\"name\":\"ping\"}");
        assertEquals("6:::1+[\"pong\"]", ws.next(), "the server read them all");
        chatReady.complete(null);
        assertEquals("1::/chat", ws.next());
        ws.send("5::/chat:{\"name\":\"hello\",\"args\":[3]}");
        assertEquals("hello [1]", seen.poll(10, TimeUnit.SECONDS));
        assertEquals("hello [2]", seen.poll(10, TimeUnit.SECONDS));
        assertEquals("hello [3]", seen.poll(10, TimeUnit.SECONDS));

        // Left while joining: what it sent meanwhile is dropped, and the endpoint can be joined again.
        ws.send("0::/chat");
        chatReady = new CompletableFuture<>();
        ws.send("1::/chat");
        ws.send("5::/chat:{\"name\":\"hello\",\"args\":[4]}");
        ws.send("0::/chat");
        ws.send("5:2+::{\"name\":\"ping\"}");
        assertEquals("6:::2+[\"pong\"]", ws.next(), "the server read them all"); // the last socket is counted, until closed
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.stats().sockets() != 1) { // "/" alone: the one that left while joining has closed
            assertTrue(System.nanoTime() < deadline, "the socket that left never closed");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        while (server.stats().queuedEvents() != 0) { // the ping counts until its handler has returned
            assertTrue(System.nanoTime() < deadline, "what it held was dropped, and counted out: "
                    + server.stats().queuedEvents());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        chatReady.complete(null);
        ws.send("1::/chat");
        assertEquals("1::/chat", ws.next());
        ws.send("5::/chat:{\"name\":\"hello\",\"args\":[5]}");
        assertEquals("hello [5]", seen.poll(10, TimeUnit.SECONDS), "the one sent while it joined was dropped");
        ws.close();
    }
}
