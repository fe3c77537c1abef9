package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.Windsock;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Connection state recovery with the real {@code socket.io-client} 4.8: the network between client and
 * server fails while events are broadcast to the client's room; the client reconnects on its own and
 * gets every event exactly once, in order, with its old id, rooms and data.
 */
class ConnectionStateRecoveryTest {
    @RegisterExtension
    final Interop interop = new Interop();

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void missedEventsArriveOnceAndInOrderAfterTheTransportIsCut(Transport transport) throws Exception {
        // A fast ping, so that the server also notices a cut between two polls soon (within 2.3 s); a pong
        // may take 2 s, so that a client stalled for a moment on a busy machine is not cut by it.
        Windsock server = interop.server(o -> o.connectionStateRecovery(ConnectionStateRecovery.defaults())
                .engine(Interop.fastPing(Duration.ofMillis(300), Duration.ofSeconds(2))));
        Mailbox<Socket> connections = interop.mailbox("connections");
        Mailbox<DisconnectReason> disconnects = interop.mailbox("disconnects");
        server.of("/").onConnection(socket -> {
            if (!socket.recovered()) {
                socket.join("feed");
                socket.data().put("since", "first connect");
            }
            socket.onDisconnect(disconnects::put);
            connections.put(socket);
        });

        try (TcpProxy proxy = new TcpProxy(server.port())) {
            Map<String, Object> options = new HashMap<>(transport.clientOptions());
            options.put("reconnection", true);
            options.put("reconnectionDelay", 50);
            options.put("reconnectionDelayMax", 200);
            options.put("randomizationFactor", 0);
            NodeClient node = interop.client();
            ClientSocket client = node.connect("http://127.0.0.1:" + proxy.port(), options);
            String id = client.expectConnect();
            Socket first = connections.take();
            assertEquals(id, first.id());
            assertFalse(first.recovered());

            // Ticks go to the room from another thread for the whole scenario, about one per millisecond.
            AtomicInteger sent = new AtomicInteger();
            Semaphore ticked = new Semaphore(0); // a permit per tick sent, to wait on
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread ticker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        server.to("feed").emit("tick", sent.getAndIncrement());
                        ticked.release();
                        LockSupport.parkNanos(1_000_000);
                    }
                } finally {
                    stopped.countDown();
                }
            }, "ticker");
            ticker.start();

            List<Integer> received = new ArrayList<>();
            try {
                while (received.size() < 50) {
                    received.add(tick(client.expectEvent("tick")));
                }
                proxy.cut();
                assertTrue(disconnects.take().isRecoverable(), "the server saw an involuntary disconnect");
                int sentDuringOutage = sent.get();
                // Some ticks go out while the client is away: only a replay can bring them.
                ticked.drainPermits();
                assertTrue(ticked.tryAcquire(20, 10, TimeUnit.SECONDS), "20 ticks sent during the outage");
                proxy.resume();

                // Ticks already on their way before the cut, then the disconnect; the client reconnects on
                // its own: failed attempts while refused, then it connects.
                ClientEvent event;
                while (!"disconnect".equals((event = client.next()).type())) {
                    received.add(tick(event));
                }
                while (!"connect".equals((event = client.next()).type())) {
                    assertEquals("connect_error", event.type(), event::toString);
                }
                assertEquals(id, event.id(), "the same socket id");
                assertTrue(received.size() <= sentDuringOutage, "ticks after the cut are still to come");
                Socket recovered = connections.take();
                assertTrue(recovered.recovered());
                assertEquals(id, recovered.id());
                assertEquals(Map.of("since", "first connect"), recovered.data());
                assertTrue(recovered.rooms().contains("feed"));

                while (received.size() <= sentDuringOutage + 50) {
                    received.add(tick(client.expectEvent("tick")));
                }
            } finally {
                stop.set(true);
                assertTrue(stopped.await(10, TimeUnit.SECONDS));
            }
            int total = sent.get();
            while (received.size() < total) {
                received.add(tick(client.expectEvent("tick")));
            }
            for (int i = 0; i < total; i++) {
                if (received.get(i) != i) {
                    throw new AssertionError("tick " + i + " arrived as " + received.get(i) + "; around it: "
                            + received.subList(Math.max(0, i - 5), Math.min(received.size(), i + 5)));
                }
            }
            assertEquals(total, received.size());
            client.disconnect(); // before the proxy goes: a clean goodbye, not another cut
            assertEquals("io client disconnect", client.expectDisconnect());
            assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, disconnects.take());
        }
    }

    /** @return the tick's number, checking it carries a recovery offset as its last argument. */
    private static int tick(ClientEvent event) {
        JsonNode args = event.args();
        assertEquals(2, args.size(), event::toString);
        assertTrue(args.get(1).isTextual(), () -> "an offset last: " + event);
        return args.get(0).asInt();
    }
}
