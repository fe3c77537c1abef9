package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import io.windsock.server.Rejection;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.Await;
import io.windsock.testing.V4TestClient;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance kept for connection state recovery holds nothing of the socket that left: not its
 * handshake (every request header), not its connection or Engine.IO session, which made a kept
 * instance cost kilobytes for the whole recovery window. While its client is away it acts as that
 * socket did once gone. On a real server and real clients.
 */
class KeptInstanceWhileAwayTest {
    public static class Counter extends SocketConnection {
        final List<WeakReference<Object>> seen;
        int count;

        Counter(List<WeakReference<Object>> seen) {
            this.seen = seen;
        }

        @Override
        protected boolean onOpen(Handshake handshake) {
            seen.add(new WeakReference<>(handshake));
            seen.add(new WeakReference<>(socket()));
            seen.add(new WeakReference<>(conn()));
            socket().data().put("user", "joe");
            joinRoom("lobby");
            return true;
        }

        @Event
        public int increment() {
            return ++count;
        }
    }

    private final List<WeakReference<Object>> seen = new CopyOnWriteArrayList<>();
    private final List<Counter> instances = new CopyOnWriteArrayList<>();
    private final BlockingQueue<DisconnectReason> left = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;
    private ServedNamespace served;
    private Namespace main;

    private void start() throws Exception {
        start(true, socket -> { });
    }

    /** @param after a middleware after the connection class's */
    private void start(boolean skipMiddlewares, Middleware after) throws Exception {
        CompletableFuture<Namespace> ready = new CompletableFuture<>();
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .connectionStateRecovery(new ConnectionStateRecovery(Duration.ofMinutes(2), skipMiddlewares)).build())
                .namespace("/", ns -> {
                    Connections.serve(ns, () -> {
                        Counter c = new Counter(seen);
                        instances.add(c);
                        return c;
                    });
                    ns.use(after);
                    ns.onConnection(socket -> socket.onDisconnect(left::add)); // runs after the instance was kept
                    ready.complete(ns);
                })
                .build().start();
        main = ready.get(10, TimeUnit.SECONDS);
        served = ConnectionInstaller.served(main);
        instances.clear(); // the probe made at registration
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Connects, counts once, drops; returns the kept instance. */
    private Counter connectCountAndDrop(BlockingQueue<String> packets) throws Exception {
        V4TestClient client = V4TestClient.connect(http, server.port(), packets::add);
        client.send("421[\"increment\"]");
        assertEquals("431[1]", packets.poll(10, TimeUnit.SECONDS));
        client.close();
        assertEquals(DisconnectReason.TRANSPORT_CLOSE, left.poll(10, TimeUnit.SECONDS), "a recoverable leave");
        assertEquals(1, served.keptCount());
        return instances.get(instances.size() - 1);
    }

    @Test
    void aKeptInstanceLetsItsSocketHandshakeAndConnectionGo() throws Exception {
        start();
        Counter kept = connectCountAndDrop(new LinkedBlockingQueue<>());
        assertEquals(3, seen.size());
        // The instance stays reachable (held here, as the server keeps it): what it reaches must not include them.
        Await.until(() -> {
            System.gc();
            return seen.stream().allMatch(ref -> ref.get() == null);
        }, Duration.ofSeconds(20), () -> "the socket, its handshake and connection still reachable: " + seen.stream()
                .map(WeakReference::get).toList());
        assertEquals(1, kept.count);
    }

    @Test
    void whileAwayTheInstanceActsAsTheSocketThatLeft() throws Exception {
        start();
        BlockingQueue<String> other = new LinkedBlockingQueue<>();
        Counter kept = connectCountAndDrop(new LinkedBlockingQueue<>());
        String id = kept.socket().id();
        V4TestClient inLobby = V4TestClient.connect(http, server.port(), other::add); // its onOpen joins the lobby

        assertFalse(kept.socket().isConnected());
        assertEquals(Map.of("user", "joe"), kept.socket().data(), "its data as it left");
        assertEquals(main, kept.socket().namespace());
        assertTrue(kept.socket().rooms().isEmpty());
        assertTrue(kept.conn().isClosed());
        assertEquals("websocket", kept.socket().transport());
        assertThrows(IllegalStateException.class, () -> kept.socket().handshake(), "not kept");

        long dropped = server.stats().droppedAfterClose();
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> kept.emitWithAck(Duration.ofSeconds(5), "lost").get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(dropped + 1, server.stats().droppedAfterClose(), "dropped and counted, as after a close");
        assertThrows(IllegalArgumentException.class, () -> kept.emit("disconnect"), "a reserved name, as always");

        kept.to("lobby").emit("news", id);
        assertEquals("42[\"news\",\"" + id + "\"]", dropOffset(other.poll(10, TimeUnit.SECONDS)),
                "a broadcast from the away instance reaches the room");
        kept.close(); // nothing to leave
        inLobby.close();
    }

    @Test
    void anEventTheInstanceEmitsWhileAwayIsReplayedToTheRecoveredClient() throws Exception {
        start();
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient first = V4TestClient.connect(http, server.port(), packets::add);
        String pid = (String) Fixtures.MAPPER.readValue(first.joined().get(10, TimeUnit.SECONDS), Map.class).get("pid");
        main.emit("tick"); // stored: its offset lets the client recover
        List<?> tick = Fixtures.MAPPER.readValue(packets.poll(10, TimeUnit.SECONDS).substring(2), List.class);
        first.close();
        assertEquals(DisconnectReason.TRANSPORT_CLOSE, left.poll(10, TimeUnit.SECONDS));
        Await.until(() -> served.keptCount() == 1, Duration.ofSeconds(10), () -> "the instance kept");
        Counter kept = instances.get(0);

        long dropped = server.stats().droppedAfterClose();
        kept.emitVolatile("lost", 0); // the client cannot take it now, and it is never stored
        kept.emit("while away", 1); // Node's socket.emit stores it for recovery, connected or not
        kept.send("note");
        assertEquals(dropped, server.stats().droppedAfterClose(), "stored, not dropped");

        String auth = "{\"pid\":\"" + pid + "\",\"offset\":\"" + tick.get(tick.size() - 1) + "\"}";
        V4TestClient again = V4TestClient.open(http, server.port(), auth, packets::add);
        again.joined().get(10, TimeUnit.SECONDS);
        assertEquals("42[\"while away\",1]", dropOffset(packets.poll(10, TimeUnit.SECONDS)), "replayed after recovery");
        assertEquals("42[\"message\",\"note\"]", dropOffset(packets.poll(10, TimeUnit.SECONDS)));
        assertEquals(1, instances.size(), "the same instance");
        again.close();
    }

    @Test
    void aRecoveryALaterMiddlewareRefusesLeavesTheInstanceKeptAndAway() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean();
        start(false, socket -> {
            if (refuse.get()) {
                throw new Rejection("not now");
            }
        });
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient first = V4TestClient.connect(http, server.port(), packets::add);
        String pid = (String) Fixtures.MAPPER.readValue(first.joined().get(10, TimeUnit.SECONDS), Map.class).get("pid");
        first.send("421[\"increment\"]");
        assertEquals("431[1]", packets.poll(10, TimeUnit.SECONDS));
        main.emit("tick"); // stored: its offset lets the client recover
        List<?> tick = Fixtures.MAPPER.readValue(packets.poll(10, TimeUnit.SECONDS).substring(2), List.class);
        first.close();
        assertEquals(DisconnectReason.TRANSPORT_CLOSE, left.poll(10, TimeUnit.SECONDS));
        String auth = "{\"pid\":\"" + pid + "\",\"offset\":\"" + tick.get(tick.size() - 1) + "\"}";

        refuse.set(true);
        V4TestClient.open(http, server.port(), auth, packets::add);
        assertEquals("44{\"message\":\"not now\"}", packets.poll(10, TimeUnit.SECONDS));
        // Kept again once the onClose pairing with the refused try's onOpen has run, on its executor.
        Await.until(() -> served.keptCount() == 1, Duration.ofSeconds(10), () -> "the instance kept again");
        Counter kept = instances.get(0);
        assertFalse(kept.socket().isConnected());
        assertThrows(IllegalStateException.class, () -> kept.socket().handshake(), "away again, holding nothing");

        refuse.set(false);
        V4TestClient again = V4TestClient.open(http, server.port(), auth, packets::add);
        again.joined().get(10, TimeUnit.SECONDS);
        again.send("422[\"increment\"]");
        assertEquals("432[2]", packets.poll(10, TimeUnit.SECONDS), "the same instance, its count intact");
        assertEquals(1, instances.size());
        again.close();
    }

    /** Strips the recovery offset the server appends as a last argument. */
    private static String dropOffset(String packet) {
        assertNotNull(packet, "a packet from the server");
        int lastComma = packet.lastIndexOf(',');
        return packet.substring(0, lastComma) + "]";
    }
}
