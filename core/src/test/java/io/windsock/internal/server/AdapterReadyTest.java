package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** A namespace holds connecting sockets until its adapter is ready (a cluster adapter still subscribing). */
class AdapterReadyTest {
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final SocketLayer layer = SocketLayer.withAdapters(WindsockOptions.builder().build(),
            namespace -> new InMemoryAdapter(namespace) {
                @Override
                public CompletionStage<Void> ready() {
                    return ready;
                }
            });

    @Test
    void aSocketConnectsOnceTheAdapterIsReady() {
        List<Socket> connected = new ArrayList<>();
        layer.server.of("/").onConnection(connected::add);
        SocketLayer.TestClient early = layer.connect("/", null);
        assertTrue(early.take().isEmpty(), "no CONNECT reply before the adapter is ready");
        assertTrue(connected.isEmpty());

        ready.complete(null);
        List<String> reply = early.take();
        assertEquals(1, reply.size(), reply::toString);
        assertTrue(reply.get(0).startsWith("0{\"sid\":"), reply.get(0));
        assertEquals(1, connected.size());

        SocketLayer.TestClient later = layer.connect("/", null);
        assertEquals(1, later.take().size(), "served at once when ready");
        assertEquals(2, connected.size());
    }

    @Test
    void aSocketThatLeftWhileWaitingIsNeverConnected() {
        List<Socket> connected = new ArrayList<>();
        layer.server.of("/").onConnection(connected::add);
        SocketLayer.TestClient early = layer.connect("/", null);
        early.drop();
        ready.complete(null);
        assertTrue(connected.isEmpty());
        assertTrue(layer.server.of("/").sockets().isEmpty());
    }
}
