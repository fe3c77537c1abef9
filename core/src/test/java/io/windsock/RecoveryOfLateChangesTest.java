package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * What a socket's handlers change after its connection dropped is kept for its recovery: the handlers
 * of events that arrived just before the drop (they run on the default pool, possibly once the close
 * began), and its disconnect listeners. In Node those handlers all run before the close, which then
 * persists the session, and the in-memory adapter keeps {@code socket.data} itself.
 */
class RecoveryOfLateChangesTest {
    private static final Pattern PID = Pattern.compile("\"pid\":\"([^\"]+)\"");
    private static final Pattern TICK = Pattern.compile("42\\[\"tick\",\"([^\"]+)\"]");

    private final BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
    /** The first socket's disconnect listeners ran: the server saw the drop, the recovery can be asked for. */
    private final CountDownLatch left = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private Windsock server;
    private Namespace main;

    private void start(Consumer<Socket> onConnection) throws Exception {
        CompletableFuture<Namespace> ns = new CompletableFuture<>();
        server = Windsock.builder()
                .options(WindsockOptions.builder().port(0).ioThreads(2)
                        .connectionStateRecovery(ConnectionStateRecovery.defaults()).build())
                .namespace("/", n -> {
                    n.onConnection(socket -> {
                        onConnection.accept(socket);
                        if (!socket.recovered()) {
                            socket.onDisconnect(reason -> left.countDown());
                        }
                        connected.add(socket);
                    });
                    ns.complete(n);
                })
                .build().start();
        main = ns.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Connects, then has a broadcast give the client an offset: returns the auth to recover with. */
    private String connectAndGetRecoveryAuth(BlockingQueue<String> packets, V4TestClient[] client) throws Exception {
        client[0] = V4TestClient.connect(http, server.port(), packets::add);
        Matcher pid = PID.matcher(client[0].joined().get());
        assertTrue(pid.find(), client[0].joined().get());
        assertNotNull(connected.poll(10, TimeUnit.SECONDS));
        main.emit("tick");
        Matcher tick = TICK.matcher(packets.poll(10, TimeUnit.SECONDS));
        assertTrue(tick.matches(), tick::toString);
        return "{\"pid\":\"" + pid.group(1) + "\",\"offset\":\"" + tick.group(1) + "\"}";
    }

    private Socket recover(String auth) throws Exception {
        assertTrue(left.await(10, TimeUnit.SECONDS));
        V4TestClient again = V4TestClient.open(http, server.port(), auth, packet -> { });
        again.joined().get(10, TimeUnit.SECONDS);
        Socket socket = connected.poll(10, TimeUnit.SECONDS);
        assertNotNull(socket);
        return socket;
    }

    /** Waits, in a handler, until the socket's connection is gone: the handler then runs during the close. */
    private static void awaitDisconnected(Socket socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (socket.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    @RepeatedTest(10)
    void dataAndRoomsChangedByAnEventThatArrivedJustBeforeTheDropAreRecovered() throws Exception {
        start(socket -> {
            if (socket.recovered()) {
                return;
            }
            socket.join("old");
            socket.on("set", (args, ack) -> {
                awaitDisconnected(socket);
                socket.data().put("name", args.get(0));
                socket.join("team");
                socket.leave("old");
            });
        });
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient[] client = new V4TestClient[1];
        String auth = connectAndGetRecoveryAuth(packets, client);

        client[0].send("42[\"set\",\"ann\"]");
        client[0].close(); // transport close at once: recoverable

        Socket recovered = recover(auth);
        assertTrue(recovered.recovered());
        assertEquals(Map.of("name", "ann"), recovered.data());
        assertEquals(Set.of(recovered.id(), "team"), recovered.rooms());
    }

    @RepeatedTest(10)
    void whatAHandlerOfAnEventThatArrivedJustBeforeTheDropEmitsIsReplayed() throws Exception {
        // In Node the handler runs before the close, and a socket's emit is stored for recovery (a
        // broadcast to its own room) whether or not it still reaches the client: the recovered client
        // gets it. So does what a disconnect listener emits.
        start(socket -> {
            if (socket.recovered()) {
                return;
            }
            socket.on("hello", (args, ack) -> {
                awaitDisconnected(socket);
                socket.emit("reply", args.get(0));
            });
            socket.onDisconnect(reason -> socket.emit("bye", reason.wire()));
        });
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient[] client = new V4TestClient[1];
        String auth = connectAndGetRecoveryAuth(packets, client);

        client[0].send("42[\"hello\",\"ann\"]");
        client[0].close(); // transport close at once: recoverable

        assertTrue(left.await(10, TimeUnit.SECONDS));
        BlockingQueue<String> replayed = new LinkedBlockingQueue<>();
        V4TestClient again = V4TestClient.open(http, server.port(), auth, replayed::add);
        again.joined().get(10, TimeUnit.SECONDS);
        assertTrue(connected.poll(10, TimeUnit.SECONDS).recovered());
        String reply = replayed.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "the handler's emit was lost");
        assertTrue(reply.startsWith("42[\"reply\",\"ann\",\""), reply);
        String bye = replayed.poll(10, TimeUnit.SECONDS);
        assertNotNull(bye, "the disconnect listener's emit was lost");
        assertTrue(bye.startsWith("42[\"bye\",\"transport close\",\""), bye);
    }

    @Test
    void whatTheDisconnectListenersWriteIsRecovered() throws Exception {
        start(socket -> {
            if (!socket.recovered()) {
                socket.data().put("name", "ann");
                socket.onDisconnect(reason -> socket.data().put("left", reason.wire()));
            }
        });
        BlockingQueue<String> packets = new LinkedBlockingQueue<>();
        V4TestClient[] client = new V4TestClient[1];
        String auth = connectAndGetRecoveryAuth(packets, client);

        client[0].close();

        Socket recovered = recover(auth);
        assertTrue(recovered.recovered());
        assertEquals(Map.of("name", "ann", "left", "transport close"), recovered.data());
    }
}
