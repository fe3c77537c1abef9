package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ConnectError;
import io.windsock.server.Namespace;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code of(name, setup)} on a running server: a client that connects while the application sets a new
 * namespace up waits for the setup, so it meets every middleware the setup adds (plain {@code of} then
 * {@code use} has a gap there); a group takes no client before its setup ran.
 */
class NamespaceSetupTest {
    private final SocketLayer layer = new SocketLayer(WindsockOptions.builder().build());
    private final List<String> refusedBy = new ArrayList<>();

    private Namespace refusing(Namespace namespace) {
        return namespace.use(socket -> {
            refusedBy.add(socket.namespace().name());
            throw new ConnectError("set up");
        });
    }

    @Test
    void aClientConnectingDuringTheSetupWaitsForIt() {
        List<SocketLayer.TestClient> early = new ArrayList<>();
        layer.server.of("/late", namespace -> {
            early.add(layer.connect("/late", null));
            assertEquals(List.of(), early.get(0).take(), "no reply while the namespace is set up");
            refusing(namespace);
        });

        assertEquals(List.of("4/late,{\"message\":\"set up\"}"), early.get(0).take());
        assertEquals(List.of("/late"), refusedBy);
        SocketLayer.TestClient later = layer.connect("/late", null);
        assertEquals(List.of("4/late,{\"message\":\"set up\"}"), later.take(), "and the ones after it");
    }

    @Test
    void aSetupThatThrowsReleasesTheClientsItHeld() {
        List<SocketLayer.TestClient> early = new ArrayList<>();
        List<String> connected = new ArrayList<>();
        RuntimeException failure = assertThrows(IllegalStateException.class, () -> layer.server.of("/late", namespace -> {
            namespace.onConnection(socket -> connected.add(socket.id()));
            early.add(layer.connect("/late", null));
            throw new IllegalStateException("setup failed");
        }));

        assertEquals("setup failed", failure.getMessage());
        List<String> reply = early.get(0).take();
        assertEquals(1, reply.size(), reply::toString);
        assertTrue(reply.get(0).startsWith("0/late,{\"sid\":"), reply.get(0));
        assertEquals(1, connected.size(), "the namespace stays, with what the setup added");
    }

    @Test
    void aNamespaceThatExistsKeepsTakingClientsDuringTheSetup() {
        layer.server.of("/early");
        List<SocketLayer.TestClient> during = new ArrayList<>();
        layer.server.of("/early", namespace -> {
            during.add(layer.connect("/early", null));
            List<String> reply = during.get(0).take();
            assertEquals(1, reply.size(), reply::toString);
            assertTrue(reply.get(0).startsWith("0/early,{\"sid\":"), reply.get(0));
            refusing(namespace);
        });
        assertEquals(List.of("4/early,{\"message\":\"set up\"}"), layer.connect("/early", null).take());
    }

    @Test
    void aGroupTakesNoClientBeforeItsSetupRan() {
        List<String> during = new ArrayList<>();
        Namespace group = layer.server.of((name, auth) -> name.startsWith("/room-"), "/room-*", namespace -> {
            during.addAll(layer.connect("/room-1", null).take());
            refusing(namespace);
        });

        assertEquals(List.of("4/room-1,{\"message\":\"Invalid namespace\"}"), during, "as before the group");
        assertEquals(List.of("4/room-2,{\"message\":\"set up\"}"), layer.connect("/room-2", null).take());
        assertEquals(List.of("/room-2"), refusedBy, "the first child has the setup's middleware");
        assertTrue(group.sockets().isEmpty());
    }

    @Test
    void aGroupWhoseSetupThrowsIsNotRegistered() {
        assertThrows(IllegalStateException.class, () -> layer.server.of((name, auth) -> true, "/*", namespace -> {
            throw new IllegalStateException("setup failed");
        }));
        assertEquals(List.of("4/any,{\"message\":\"Invalid namespace\"}"), layer.connect("/any", null).take());
        assertFalse(layer.server.namespaceNames().contains("/* (dynamic)"));
    }
}
