package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.WsClient;
import io.windsock.server.ConnectError;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dynamic namespaces on the real handler pool and two event loops: refused CONNECTs leave nothing,
 * and a namespace being removed while another client joins it never loses that client.
 */
class DynamicNamespacesRealThreadsTest {
    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";

    @RegisterExtension
    final Interop interop = new Interop();

    private final AtomicInteger adaptersOpen = new AtomicInteger();
    private final Mailbox<String> adapterCloses = new Mailbox<>("adapter closes");

    private Windsock start() {
        return interop.server(ns -> {
            if ("/".equals(ns.name())) {
                return new InMemoryAdapter(ns); // the main namespace: made with the server, never removed
            }
            adaptersOpen.incrementAndGet();
            return new InMemoryAdapter(ns) {
                @Override
                public void close() {
                    adaptersOpen.decrementAndGet();
                    adapterCloses.put(ns.name());
                }
            };
        }, o -> o.ioThreads(2));
    }

    /** Waits until every adapter made so far was closed, one close event at a time. */
    private void awaitNoNamespaceLeft() {
        while (adaptersOpen.get() > 0) {
            adapterCloses.take();
        }
        adapterCloses.drain();
        assertEquals(0, adaptersOpen.get());
    }

    @Test
    void fiveThousandRefusedConnectsLeaveNoNamespace() {
        Windsock server = start();
        server.of(Pattern.compile("/room-\\d+")).use(socket -> {
            throw new ConnectError("no");
        });
        try (WsClient ws = WsClient.open(server.port(), WEBSOCKET)) {
            ws.texts().take();
            for (int i = 0; i < 5_000; i++) {
                ws.sendText("40/room-" + i + ",");
            }
            int refusedByMiddleware = 0;
            for (int i = 0; i < 5_000; i++) {
                String reply = ws.texts().take();
                // Sent without waiting, many are still joining when the next arrives: past 100 joining
                // at once, the per-connection cap answers before any namespace is made.
                assertTrue(reply.startsWith("44/room-") && (reply.endsWith(",{\"message\":\"no\"}")
                        || reply.endsWith(",{\"message\":\"Too many namespaces for this connection\"}")), reply);
                refusedByMiddleware += reply.endsWith("\"no\"}") ? 1 : 0;
            }
            assertTrue(refusedByMiddleware >= 100, "refused by the middleware: " + refusedByMiddleware);
            awaitNoNamespaceLeft();
            // The connection itself is still served.
            server.of("/");
            ws.sendText("40");
            assertTrue(ws.texts().take().startsWith("40{\"sid\""));
        }
    }

    @Test
    void aClientJoiningWhileTheLastMemberLeavesIsNeverLost() {
        Windsock server = start();
        Namespace rooms = server.of(Pattern.compile("/room-\\d+"));
        Mailbox<Socket> connected = new Mailbox<>("connections");
        rooms.onConnection(connected::put);
        int port = server.port();
        for (int round = 0; round < 200; round++) {
            try (WsClient a = WsClient.open(port, WEBSOCKET); WsClient b = WsClient.open(port, WEBSOCKET)) {
                a.texts().take();
                b.texts().take();
                a.sendText("40/room-1,");
                assertTrue(a.texts().take().startsWith("40/room-1,{\"sid\""));
                connected.take();

                // a leaves (the namespace empties) while b joins, from two threads on two connections.
                CompletableFuture<Void> leaving = CompletableFuture.runAsync(() -> a.sendText("41/room-1,"));
                b.sendText("40/room-1,");
                leaving.join();
                String reply = b.texts().take();
                assertTrue(reply.startsWith("40/room-1,{\"sid\""), reply);
                String sid = Json.parse(reply.substring("40/room-1,".length())).get("sid").asText();
                Socket joined = connected.take();
                assertEquals(sid, joined.id());

                // b is in the live namespace: the group finds it and a broadcast to the group reaches it.
                assertNotNull(rooms.socket(sid).orElse(null), "round " + round + ": b is in no live namespace");
                rooms.emit("ping", round);
                assertEquals("42/room-1,[\"ping\"," + round + "]", b.texts().take(), "round " + round);
            }
            awaitNoNamespaceLeft();
        }
    }
}
