package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.ConnectError;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Namespaces created on demand: kept only while they have members, removed (adapter closed) when the
 * last one leaves, and capped in total and per connection. Handlers inline, one thread; the races
 * are in the interop module's real-threads test.
 */
class DynamicNamespaceLifecycleTest {
    private final AtomicInteger adaptersOpen = new AtomicInteger();
    private final List<Throwable> errors = new ArrayList<>();
    private SocketLayer layer;
    private Namespace rooms;
    private RuntimeException adapterFailure;

    private void start(UnaryOperator<WindsockOptions.Builder> options) {
        layer = SocketLayer.withAdapters(options.apply(WindsockOptions.builder()
                .errorHandler((s, e, error) -> errors.add(error))).build(), ns -> {
                    if ("/".equals(ns.name())) {
                        return new InMemoryAdapter(ns); // the main namespace: made with the server, never removed
                    }
                    if (adapterFailure != null) {
                        throw adapterFailure;
                    }
                    adaptersOpen.incrementAndGet();
                    return new InMemoryAdapter(ns) {
                        @Override
                        public void close() {
                            adaptersOpen.decrementAndGet();
                        }
                    };
                });
        rooms = layer.server.of((name, auth) -> name.startsWith("/room-"), "/room-*");
    }

    @Test
    void anAdapterThatFailsToStartRefusesTheClientWithAnInternalErrorAndTheConnectionStays() {
        start(o -> o);
        adapterFailure = new IllegalStateException("adapter down");
        SocketLayer.TestClient client = layer.open();
        client.send("0/room-1,");
        assertEquals(List.of("4/room-1,{\"message\":\"internal error\"}"), client.take());
        assertTrue(errors.contains(adapterFailure), errors::toString);
        assertEquals(0, layer.server.dynamicNamespaceCount());
        adapterFailure = null;
        client.send("0/room-1,");
        assertTrue(client.take().get(0).startsWith("0/room-1,{\"sid\":"), "the next try works");
    }

    @Test
    void refusedConnectsLeaveNothingBehind() {
        start(o -> o);
        rooms.use(socket -> {
            throw new ConnectError("go away");
        });
        SocketLayer.TestClient client = layer.open();
        for (int i = 0; i < 5_000; i++) {
            client.send("0/room-" + i + ",");
            assertEquals(List.of("4/room-" + i + ",{\"message\":\"go away\"}"), client.take());
        }
        assertEquals(0, layer.server.dynamicNamespaceCount());
        assertEquals(0, adaptersOpen.get());
        assertNull(layer.server.existing("/room-1"));
        assertEquals(List.of(), List.copyOf(rooms.sockets()));
    }

    @Test
    void theLastSocketToLeaveRemovesTheNamespaceAndANewJoinRecreatesIt() {
        start(o -> o);
        List<Socket> joined = new ArrayList<>();
        rooms.onConnection(joined::add);
        SocketLayer.TestClient a = layer.connect("/room-1", null);
        SocketLayer.TestClient b = layer.connect("/room-1", null);
        a.take();
        b.take();
        NamespaceImpl first = layer.server.existing("/room-1");
        assertNotNull(first);
        assertSame(first, joined.get(0).namespace());
        assertSame(first, joined.get(1).namespace());
        assertEquals(1, adaptersOpen.get());

        a.send("1/room-1,"); // a leaves: b still holds the namespace
        assertSame(first, layer.server.existing("/room-1"));
        b.drop();            // b's connection drops: the namespace goes, its adapter closed
        assertNull(layer.server.existing("/room-1"));
        assertEquals(0, adaptersOpen.get());
        assertEquals(0, layer.server.dynamicNamespaceCount());

        SocketLayer.TestClient c = layer.connect("/room-1", null);
        assertTrue(c.take().get(0).startsWith("0/room-1,{\"sid\""));
        NamespaceImpl second = layer.server.existing("/room-1");
        assertNotSame(first, second);
        assertSame(second, joined.get(2).namespace());
        rooms.emit("hello"); // the group reaches the new child, not the removed one
        assertEquals(List.of("2/room-1,[\"hello\"]"), c.take());
    }

    @Test
    void theTotalCapRefusesNewNamespacesButNotExistingOnes() {
        start(o -> o.maxDynamicNamespaces(3));
        List<SocketLayer.TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SocketLayer.TestClient client = layer.connect("/room-" + i, null);
            assertTrue(client.take().get(0).startsWith("0/room-" + i + ",{\"sid\""));
            clients.add(client);
        }
        SocketLayer.TestClient late = layer.connect("/room-3", null);
        assertEquals(List.of("4/room-3,{\"message\":\"Too many namespaces\"}"), late.take());
        late.send("0/room-0,"); // an existing namespace can still be joined, on the same connection
        assertTrue(late.take().get(0).startsWith("0/room-0,{\"sid\""));
        assertEquals(3, layer.server.dynamicNamespaceCount());

        clients.get(2).drop();
        late.send("0/room-3,");
        assertTrue(late.take().get(0).startsWith("0/room-3,{\"sid\""));
        assertEquals(3, adaptersOpen.get());
        assertEquals(List.of(), errors);
    }

    @Test
    void thePerConnectionCapRefusesOneMoreNamespaceAndKeepsTheConnection() {
        start(o -> o.maxNamespacesPerClient(2));
        layer.server.of("/");
        SocketLayer.TestClient client = layer.connect("/", null);
        assertTrue(client.take().get(0).startsWith("0{\"sid\""));
        client.send("0/room-1,");
        assertTrue(client.take().get(0).startsWith("0/room-1,{\"sid\""));
        client.send("0/room-2,");
        assertEquals(List.of("4/room-2,{\"message\":\"Too many namespaces for this connection\"}"), client.take());
        assertNull(layer.server.existing("/room-2"));
        client.send("1/room-1,"); // leaving one makes room for another
        client.send("0/room-2,");
        assertTrue(client.take().get(0).startsWith("0/room-2,{\"sid\""));
        assertEquals(1, layer.server.dynamicNamespaceCount());
    }

    @Test
    void aNamespaceTheApplicationHoldsIsNeverRemoved() {
        start(o -> o);
        SocketLayer.TestClient a = layer.connect("/room-7", null);
        a.take();
        NamespaceImpl held = layer.server.of("/room-7");
        a.drop();
        assertSame(held, layer.server.existing("/room-7"));
        SocketLayer.TestClient b = layer.connect("/room-7", null);
        b.take();
        b.drop();
        assertSame(held, layer.server.existing("/room-7"));
        assertEquals(1, adaptersOpen.get());
    }

    @Test
    void aMiddlewareThatJoinsARoomThenRefusesLeavesNoNamespace() {
        start(o -> o);
        rooms.use(socket -> {
            socket.join("lobby");
            throw new IllegalStateException("secret");
        });
        SocketLayer.TestClient client = layer.connect("/room-1", null);
        assertEquals(List.of("4/room-1,{\"message\":\"internal error\"}"), client.take());
        assertNull(layer.server.existing("/room-1"));
        assertEquals(0, adaptersOpen.get());
        assertEquals(1, errors.size());
    }

    @Test
    void aStoppedServerHoldsNoNamespaceForRecovery() {
        start(o -> o.connectionStateRecovery(ConnectionStateRecovery.defaults()));
        SocketLayer.TestClient client = layer.open();
        client.send("0/room-1,");
        client.take();
        NamespaceImpl child = layer.server.existing("/room-1");
        client.drop(); // "transport close": the session is kept, and its namespace for the recovery window
        assertTrue(child.holdsForRecovery());
        assertEquals(1, adaptersOpen.get());

        layer.server.shutdown(); // as Windsock.stop()
        layer.server.closeAdapters();
        layer.server.stopped();
        assertEquals(0, adaptersOpen.get());
        assertFalse(child.holdsForRecovery(), "no timer keeps the stopped server's namespace (2 min by default)");
    }
}
