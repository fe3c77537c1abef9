package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.adapter.InMemoryAdapter;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery set per namespace: a namespace's own setting wins over the server-wide
 * one; a namespace without recovery stores nothing and numbers nothing, while one with it recovers.
 */
class NamespaceRecoveryTest {
    private static final ConnectionStateRecovery SHORT = new ConnectionStateRecovery(Duration.ofSeconds(30), true);

    @Test
    void theServerWideSettingAppliesWhereANamespaceHasNoneOfItsOwn() {
        WindsockOptions options = WindsockOptions.builder()
                .connectionStateRecovery(ConnectionStateRecovery.defaults())
                .connectionStateRecovery("/plain", null)
                .connectionStateRecovery("short", SHORT)
                .build();
        assertEquals(ConnectionStateRecovery.defaults(), options.connectionStateRecovery("/"));
        assertNull(options.connectionStateRecovery("/plain"));
        assertEquals(SHORT, options.connectionStateRecovery("/short"), "a name without its slash means the same");
        assertNull(options.toBuilder().build().connectionStateRecovery("/plain"), "toBuilder keeps the settings");
        assertNull(WindsockOptions.builder().build().connectionStateRecovery("/any"), "off by default");
    }

    @Test
    void aNamespaceWithoutRecoveryStoresNothingWhileAnotherRecovers() {
        // Server-wide on, "/plain" off.
        assertOnlyLiveRecovers(WindsockOptions.builder()
                .connectionStateRecovery(ConnectionStateRecovery.defaults())
                .connectionStateRecovery("/plain", null)
                .build());
    }

    @Test
    void aNamespaceCanHaveRecoveryWhenTheServerHasNone() {
        assertOnlyLiveRecovers(WindsockOptions.builder()
                .connectionStateRecovery("/live", ConnectionStateRecovery.defaults())
                .build());
    }

    private void assertOnlyLiveRecovers(WindsockOptions options) {
        SocketLayer layer = new SocketLayer(options);
        List<Socket> live = new ArrayList<>();
        List<Socket> plain = new ArrayList<>();
        layer.server.of("/live").onConnection(live::add);
        layer.server.of("/plain").onConnection(plain::add);

        SocketLayer.TestClient liveClient = layer.connect("/live", null);
        Map<String, Object> liveReply = Wire.connectReply(inMain(liveClient.take().get(0)));
        assertNotNull(liveReply.get("pid"));
        SocketLayer.TestClient plainClient = layer.connect("/plain", null);
        Map<String, Object> plainReply = Wire.connectReply(inMain(plainClient.take().get(0)));
        assertFalse(plainReply.containsKey("pid"), "no pid where recovery is off: " + plainReply);

        layer.server.of("/live").emit("e", 1);
        layer.server.of("/plain").emit("e", 1);
        plain.get(0).emit("direct", 2);
        List<Object> liveEvent = Wire.event(inMain(liveClient.take().get(0)));
        assertEquals(3, liveEvent.size(), "an offset last: " + liveEvent);
        assertEquals(List.of(List.of("e", 1), List.of("direct", 2)),
                plainClient.take().stream().map(p -> Wire.event(inMain(p))).toList(), "no offset where recovery is off");

        InMemoryAdapter plainAdapter = (InMemoryAdapter) layer.server.of("/plain").adapter();
        InMemoryAdapter liveAdapter = (InMemoryAdapter) layer.server.of("/live").adapter();
        assertEquals(0, plainAdapter.storedEventCount());
        assertEquals(1, liveAdapter.storedEventCount());

        liveClient.drop();
        plainClient.drop();
        assertEquals(0, plainAdapter.persistedSessionCount());
        assertEquals(1, liveAdapter.persistedSessionCount());
        layer.server.of("/live").emit("missed", 3);

        SocketLayer.TestClient liveAgain = layer.connect("/live",
                "{\"pid\":\"" + liveReply.get("pid") + "\",\"offset\":\"" + liveEvent.get(2) + "\"}");
        List<String> got = liveAgain.take();
        assertEquals(Map.of("sid", liveReply.get("sid"), "pid", liveReply.get("pid")), Wire.connectReply(inMain(got.get(0))));
        assertEquals(List.of("missed", 3), Wire.event(inMain(got.get(1))).subList(0, 2));
        assertTrue(live.get(1).recovered());

        // A client that asks "/plain" to recover (as socket.io-client does after any drop) gets a new socket.
        SocketLayer.TestClient plainAgain = layer.connect("/plain", "{\"pid\":\"x\",\"offset\":\"y\"}");
        Map<String, Object> fresh = Wire.connectReply(inMain(plainAgain.take().get(0)));
        assertNotEquals(plainReply.get("sid"), fresh.get("sid"));
        assertFalse(plain.get(1).recovered());
    }

    /** @return the packet as if sent on the main namespace: {@code 2/live,[...]} becomes {@code 2[...]}. */
    private static String inMain(String packet) {
        int comma = packet.indexOf(',');
        if (packet.length() < 2 || packet.charAt(1) != '/' || comma < 0) {
            throw new AssertionError("not a packet of a namespace: " + packet);
        }
        return packet.charAt(0) + packet.substring(comma + 1);
    }
}
