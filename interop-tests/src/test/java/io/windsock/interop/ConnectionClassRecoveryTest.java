package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.ConnectionStateRecovery;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import io.windsock.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection class under connection state recovery with the real {@code socket.io-client} 4.8, the
 * default handler pool and two network threads: the TCP connection is cut while events stream to the
 * client; the client reconnects on its own and is recovered; its handlers answer again, on the same
 * instance, whose fields kept what the client had told it.
 */
class ConnectionClassRecoveryTest {
    @RegisterExtension
    final Interop interop = new Interop();

    /** Where the test sees each instance's hooks: {@code onOpen} and {@code onClose}. */
    record Opened(Counter connection, boolean recovered) {
    }

    static Mailbox<Opened> opened;
    static Mailbox<DisconnectReason> closed;

    public static class Counter extends SocketConnection {
        private int count;
        private String name;

        @Override
        protected boolean onOpen(Handshake handshake) {
            opened.put(new Opened(this, socket().recovered()));
            return true;
        }

        @Override
        protected void onClose(DisconnectReason reason) {
            closed.put(reason);
        }

        @Event
        public int increment() {
            return ++count;
        }

        @Event
        public void remember(String name) {
            this.name = name;
        }

        @Event
        public String whoami() {
            return name + " " + count;
        }
    }

    /** A server with recovery on, serving {@link Counter} on "/", on two loops; fresh mailboxes for its hooks. */
    private Windsock recoveringServer() {
        opened = interop.mailbox("opened");
        closed = interop.mailbox("closed");
        Windsock server = interop.server(o -> o.ioThreads(2)
                .connectionStateRecovery(ConnectionStateRecovery.defaults())
                // a pong may take 2 s: a client stalled for a moment on a busy machine is not cut
                .engine(Interop.fastPing(Duration.ofMillis(300), Duration.ofSeconds(2))));
        Connections.serve(server.of("/"), Counter::new);
        return server;
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void aRecoveredClientReachesTheSameInstanceAndEveryHandlerAnswers(Transport transport) throws Exception {
        Windsock server = recoveringServer();

        try (TcpProxy proxy = new TcpProxy(server.port())) {
            Map<String, Object> options = ReconnectingClient.options(transport);
            NodeClient node = interop.client();
            ClientSocket client = node.connect("http://127.0.0.1:" + proxy.port(), options);
            String id = client.expectConnect();
            Opened first = opened.take();
            assertTrue(!first.recovered());

            client.emit("remember", "ann");
            for (int i = 1; i <= 5; i++) {
                assertEquals(i, client.emitWithAck("increment").args().get(0).asInt());
            }

            // Events stream to the client from another thread while the connection is cut.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            CountDownLatch twentySent = new CountDownLatch(20);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread ticker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        server.of("/").emit("tick", sent.getAndIncrement());
                        twentySent.countDown();
                        LockSupport.parkNanos(1_000_000);
                    }
                } finally {
                    stopped.countDown();
                }
            }, "ticker");
            ticker.start();
            ClientEvent event;
            int ticks = 0;
            try {
                // Recovery needs an offset, the last argument of a stored event the client has seen (as
                // in Node: without one the reconnect is a new session), so the cut waits for a first tick.
                event = client.next();
                assertEquals("tick", event.event(), event::toString);
                assertEquals(ticks++, event.args().get(0).asInt());
                assertTrue(twentySent.await(10, TimeUnit.SECONDS), "the ticker stopped before 20 ticks");
                proxy.cut();
                assertTrue(closed.take().isRecoverable(), "an involuntary disconnect");
            } finally {
                stop.set(true);
                assertTrue(stopped.await(10, TimeUnit.SECONDS));
            }
            proxy.resume();

            // Ticks, the disconnect, refused attempts, then the recovered connect.
            while (!"disconnect".equals((event = client.next()).type())) {
                assertEquals("tick", event.event(), event::toString);
                assertEquals(ticks++, event.args().get(0).asInt());
            }
            assertEquals(id, ReconnectingClient.awaitConnect(client), "recovered: the same socket id");
            Opened again = opened.take();
            assertTrue(again.recovered(), "onOpen runs for the recovered socket and is told");
            assertSame(first.connection(), again.connection(), "the same instance");

            // The replayed ticks come first; then every handler answers on the kept instance.
            int seq = client.emitWithAckLater("increment", null);
            while (!"ack".equals((event = client.next()).type())) {
                assertEquals("tick", event.event(), event::toString);
                assertEquals(ticks++, event.args().get(0).asInt(), "replayed once and in order");
            }
            assertEquals(seq, event.seq());
            assertEquals(6, event.args().get(0).asInt(), "the count went on");
            assertEquals(sent.get(), ticks, "every tick arrived");
            assertEquals("ann 6", client.emitWithAck("whoami").args().get(0).asText(), "fields intact");

            client.disconnect();
            assertEquals("io client disconnect", client.expectDisconnect());
            assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, closed.take());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "POLLING"})
    void whatTheKeptInstanceEmitsWhileItsClientIsAwayReachesTheRecoveredClient(Transport transport) throws Exception {
        Windsock server = recoveringServer();

        try (TcpProxy proxy = new TcpProxy(server.port())) {
            Map<String, Object> options = ReconnectingClient.options(transport);
            ClientSocket client = interop.client().connect("http://127.0.0.1:" + proxy.port(), options);
            String id = client.expectConnect();
            Counter kept = opened.take().connection();
            server.of("/").emit("tick", 0); // its offset lets the client recover
            ClientEvent event = client.next();
            assertEquals("tick", event.event(), event::toString);

            proxy.cut();
            assertTrue(closed.take().isRecoverable(), "an involuntary disconnect");
            // Kept once onClose ran: its socket() is then the stand-in, which has no handshake.
            Await.until(() -> {
                try {
                    kept.socket().handshake();
                    return false;
                } catch (IllegalStateException away) {
                    return true;
                }
            }, Duration.ofSeconds(10), () -> "the instance kept");
            kept.emit("while away", 1); // socket.io stores a disconnected socket's emit for recovery
            proxy.resume();

            while (!"connect".equals((event = client.next()).type())) {
                assertTrue(event.type().equals("disconnect") || event.type().equals("connect_error"), event::toString);
            }
            assertEquals(id, event.id(), "recovered");
            assertSame(kept, opened.take().connection());
            event = client.next();
            assertEquals("while away", event.event(), event::toString);
            assertEquals(1, event.args().get(0).asInt());
            client.disconnect();
            assertEquals("io client disconnect", client.expectDisconnect());
            closed.take(); // the recovered socket's onClose
        }
    }
}
