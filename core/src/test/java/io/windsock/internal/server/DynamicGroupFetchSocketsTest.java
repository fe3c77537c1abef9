package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.Namespace;
import io.windsock.server.RemoteSocket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * fetchSockets on a dynamic group: refused as in Node's parent namespace (other nodes may serve
 * children this one does not have), except when limited to this node.
 */
class DynamicGroupFetchSocketsTest {
    private SocketLayer layer;
    private Namespace group;

    @BeforeEach
    void setUp() {
        layer = new SocketLayer(WindsockOptions.builder().build());
        group = layer.server.of((name, auth) -> name.startsWith("/room-"), "/room-*");
    }

    private String join(String namespace) {
        String reply = layer.connect(namespace, null).take().get(0); // 0/name,{"sid":...}
        assertTrue(reply.startsWith("0" + namespace + ","), reply);
        return Wire.sid("0" + reply.substring(namespace.length() + 2));
    }

    private static Set<String> ids(List<RemoteSocket> sockets) {
        return sockets.stream().map(RemoteSocket::id).collect(Collectors.toSet());
    }

    @Test
    void aGroupRefusesFetchSocketsUnlessLocal() throws Exception {
        String one = join("/room-1");
        String two = join("/room-2");

        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> group.fetchSockets());
        assertTrue(refused.getMessage().contains("local()"), refused.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> group.to(one).fetchSockets());
        assertThrows(UnsupportedOperationException.class,
                () -> group.except(two).timeout(Duration.ofSeconds(1)).fetchSockets());

        assertEquals(Set.of(one, two), ids(group.local().fetchSockets().get()));
        assertEquals(Set.of(two), ids(group.to(two).local().fetchSockets().get()));
        assertEquals(Set.of(one), ids(layer.server.of("/room-1").fetchSockets().get()), "one child still answers");
    }
}
