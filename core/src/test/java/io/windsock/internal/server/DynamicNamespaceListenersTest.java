package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.AdapterNamespace;
import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.Ack;
import io.windsock.server.ConnectError;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Whose middlewares and listeners a dynamic child namespace runs. As in Node's
 * {@code ParentNamespace.createChild}: a child starts with a copy of its group's middlewares and
 * connection listeners; what is added to one child stays on it, and what is added to the group later
 * reaches only children created later. Server-side event listeners of the group reach every child
 * unless it has its own.
 */
class DynamicNamespaceListenersTest {
    private final List<Throwable> errors = new ArrayList<>();
    /** Each live namespace's side of its adapter, by name: to deliver server-side events by hand. */
    private final Map<String, AdapterNamespace> adapterViews = new ConcurrentHashMap<>();
    private final SocketLayer layer = SocketLayer.withAdapters(WindsockOptions.builder()
            .errorHandler((s, e, error) -> errors.add(error)).build(), ns -> {
                adapterViews.put(ns.name(), ns);
                return new InMemoryAdapter(ns);
            });
    private final Namespace rooms = layer.server.of((name, auth) -> name.startsWith("/room-"), "/room-*");

    private static void assertAccepted(String namespace, List<String> replies) {
        assertTrue(replies.size() == 1 && replies.get(0).startsWith("0" + namespace + ",{\"sid\""),
                () -> namespace + " not accepted: " + replies);
    }

    @Test
    void aMiddlewareAddedToOneChildDoesNotReachAnother() {
        SocketLayer.TestClient first = layer.connect("/room-1", null);
        assertAccepted("/room-1", first.take());
        layer.server.of("/room-1").use(socket -> {
            throw new ConnectError("only for room-1");
        });

        SocketLayer.TestClient other = layer.connect("/room-2", null);
        assertAccepted("/room-2", other.take());
        SocketLayer.TestClient second = layer.connect("/room-1", null);
        assertEquals(List.of("4/room-1,{\"message\":\"only for room-1\"}"), second.take());
        assertEquals(List.of(), errors);
    }

    @Test
    void aNameTheApplicationTakesFirstIsStillTheGroupsChild() {
        List<String> heard = new ArrayList<>();
        rooms.use(socket -> {
            if (!socket.handshake().auth().containsKey("token")) {
                throw new ConnectError("auth required");
            }
        });
        rooms.onConnection(socket -> heard.add(socket.namespace().name()));
        Namespace taken = layer.server.of("/room-1"); // as an application emitting before any client came
        taken.emit("news", "early");

        assertEquals(List.of("4/room-1,{\"message\":\"auth required\"}"), layer.connect("/room-1", null).take());
        assertAccepted("/room-1", layer.connect("/room-1", "{\"token\":1}").take());
        assertEquals(List.of("/room-1"), heard);
        NamespaceImpl child = layer.server.existing("/room-1");
        assertTrue(child == taken && child.group() != null && child.isPermanent(), "a pinned child of the group");
        assertEquals(List.of(), errors);
    }

    @Test
    void aConnectionListenerAddedToOneChildDoesNotReachAnother() {
        SocketLayer.TestClient first = layer.connect("/room-1", null);
        assertAccepted("/room-1", first.take());
        List<String> heard = new ArrayList<>();
        layer.server.of("/room-1").onConnection(socket -> heard.add(socket.namespace().name()));

        assertAccepted("/room-2", layer.connect("/room-2", null).take());
        assertAccepted("/room-1", layer.connect("/room-1", null).take());
        assertEquals(List.of("/room-1"), heard);
    }

    @Test
    void whatEachConnectionAddsToItsChildGoesWithTheChild() {
        AtomicInteger added = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        rooms.onConnection(socket -> {
            added.incrementAndGet();
            socket.namespace().use(s -> calls.incrementAndGet());
            socket.namespace().onConnection(s -> calls.incrementAndGet());
        });
        NamespaceImpl previous = null;
        for (int i = 0; i < 3; i++) {
            SocketLayer.TestClient client = layer.connect("/room-1", null);
            assertAccepted("/room-1", client.take());
            NamespaceImpl child = layer.server.existing("/room-1");
            assertNotSame(previous, child);
            previous = child;
            client.drop(); // the child is removed, and what its one connection added to it with it
        }
        assertEquals(3, added.get());
        assertEquals(0, calls.get(), "a new child starts from the group's registrations alone");
        assertAccepted("/room-2", layer.connect("/room-2", null).take());
        assertEquals(0, calls.get());
    }

    @Test
    void whatIsAddedToTheGroupReachesChildrenCreatedLaterNotLiveOnes() {
        List<String> early = new ArrayList<>();
        rooms.onConnection(socket -> early.add(socket.namespace().name()));
        SocketLayer.TestClient live = layer.connect("/room-1", null);
        assertAccepted("/room-1", live.take());

        List<String> late = new ArrayList<>();
        rooms.use(socket -> {
            if (socket.handshake().auth().containsKey("refuse")) {
                throw new ConnectError("added late");
            }
        });
        rooms.onConnection(socket -> late.add(socket.namespace().name()));

        // the live child keeps what the group had when it was created (Node copies at createChild)
        assertAccepted("/room-1", layer.connect("/room-1", "{\"refuse\":true}").take());
        // a child created now starts with all of it
        assertEquals(List.of("4/room-2,{\"message\":\"added late\"}"),
                layer.connect("/room-2", "{\"refuse\":true}").take());
        assertAccepted("/room-3", layer.connect("/room-3", null).take());
        assertEquals(List.of("/room-1", "/room-1", "/room-3"), early);
        assertEquals(List.of("/room-3"), late);
        assertEquals(List.of(), errors);
    }

    @Test
    void serverSideListenersOfTheGroupReachEveryChildUnlessItHasItsOwn() {
        assertAccepted("/room-1", layer.connect("/room-1", null).take());
        assertAccepted("/room-2", layer.connect("/room-2", null).take());
        List<String> heard = new ArrayList<>();
        rooms.onServerSideEmit("ping", (args, ack) -> heard.add("group " + args));
        layer.server.of("/room-1").onServerSideEmit("ping", (args, ack) -> heard.add("room-1 " + args));
        assertAccepted("/room-3", layer.connect("/room-3", null).take());

        adapterViews.get("/room-1").onServerSideEmit(List.of("ping", 1), Ack.NONE);
        adapterViews.get("/room-2").onServerSideEmit(List.of("ping", 2), Ack.NONE);
        adapterViews.get("/room-3").onServerSideEmit(List.of("ping", 3), Ack.NONE);
        assertEquals(List.of("room-1 [1]", "group [2]", "group [3]"), heard);
        assertEquals(List.of(), errors);
    }
}
