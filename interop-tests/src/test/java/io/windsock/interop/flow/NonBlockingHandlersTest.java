package io.windsock.interop.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Connections;
import io.windsock.Windsock;
import io.windsock.connection.Args;
import io.windsock.connection.Event;
import io.windsock.connection.NonBlocking;
import io.windsock.connection.SocketConnection;
import io.windsock.interop.harness.ClientEvent;
import io.windsock.interop.harness.ClientSocket;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Mailbox;
import io.windsock.interop.harness.NodeClient;
import io.windsock.interop.harness.Transport;
import io.windsock.server.EventListener;
import io.windsock.server.Handshake;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Handlers declared non-blocking run on the connection's event loop when nothing of the connection
 * waits on the handler pool, and are queued in order behind a blocking handler otherwise; plain
 * handlers never run on an event loop. Real handler pool, three event loops, several clients at once,
 * every transport, the real socket.io-client.
 */
class NonBlockingHandlersTest {
    private static final int CLIENTS = 4;
    private static final int BURST = 40;
    private static final int SEQUENTIAL = 10;
    private static final String LOOP = "windsock-io";
    private static final String POOL = "windsock-handler";

    @RegisterExtension
    final Interop interop = new Interop();

    /** {@code fast} never blocks; {@code slow} does (briefly). Each answers [its place in the order, its thread]. */
    public static class Mixed extends SocketConnection {
        /** Only this connection's handlers touch it, one at a time (the serial executor's guarantee). */
        private int handled;

        @Event
        @NonBlocking
        public Args fast(int n) {
            return Args.of(handled++, Thread.currentThread().getName());
        }

        @Event
        public Args slow(int n) throws InterruptedException {
            Thread.sleep(2); // stands for blocking work: the events behind it queue up meanwhile
            return Args.of(handled++, Thread.currentThread().getName());
        }
    }

    /** Every handler of the class is non-blocking; its hooks still run on the handler pool. */
    @NonBlocking
    public static class AllFast extends Mixed {
        static final Mailbox<String> OPENED_ON = new Mailbox<>("onOpen threads");

        @Override
        protected boolean onOpen(Handshake handshake) {
            OPENED_ON.put(Thread.currentThread().getName());
            return true;
        }

        @Event
        public Args other(int n) {
            return fast(n);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectionClassKeepsOrderBetweenBlockingAndNonBlockingHandlers(Transport transport) {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), Mixed::new);
        assertOrderAndThreads(server, transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void functionalListenersKeepOrderBetweenBlockingAndNonBlockingHandlers(Transport transport) {
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(socket -> {
            AtomicInteger handled = new AtomicInteger(); // atomic only for the lambdas; the executor serializes them
            socket.on("fast", EventListener.nonBlocking((args, ack) ->
                    ack.send(handled.getAndIncrement(), Thread.currentThread().getName())));
            socket.on("slow", (args, ack) -> {
                Thread.sleep(2);
                ack.send(handled.getAndIncrement(), Thread.currentThread().getName());
            });
        });
        assertOrderAndThreads(server, transport);
    }

    @Test
    void aNonBlockingClassRunsEveryHandlerOnTheLoopButItsHooksOnThePool() {
        Windsock server = interop.server(o -> o);
        Connections.serve(server.of("/"), AllFast::new);
        ClientSocket client = connect(server, Transport.WEBSOCKET);
        assertTrue(AllFast.OPENED_ON.take().startsWith(POOL));
        SequentialThreads threads = new SequentialThreads(client);
        for (int n = 0; n < SEQUENTIAL; n++) {
            ClientEvent ack = client.emitWithAck(n % 2 == 0 ? "other" : "fast", n);
            assertEquals(n, ack.arg(0).asInt());
            threads.check(ack, n);
        }
        threads.assertReachedTheLoop();
        client.assertNothingMore();
    }

    @Test
    void aNonBlockingListenerBehindAMiddlewareRunsOnThePool() {
        Windsock server = interop.server(o -> o);
        server.of("/").onConnection(socket -> {
            socket.use((event, args) -> { }); // a middleware may block: the event goes to the pool
            socket.on("fast", EventListener.nonBlocking((args, ack) -> ack.send(0, Thread.currentThread().getName())));
        });
        ClientSocket client = connect(server, Transport.WEBSOCKET);
        for (int n = 0; n < SEQUENTIAL; n++) {
            assertThread(POOL, client.emitWithAck("fast", n), n);
        }
    }

    /**
     * Several clients at once: a burst of slow and fast events, then fast ones one at a time. The
     * burst's fast events may run on either side, but in order; see {@link SequentialThreads} for the
     * ones sent one at a time.
     */
    private void assertOrderAndThreads(Windsock server, Transport transport) {
        List<ClientSocket> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(connect(server, transport));
        }
        List<List<Integer>> sent = new ArrayList<>();
        for (ClientSocket client : clients) {
            List<Integer> seqs = new ArrayList<>();
            for (int n = 0; n < BURST; n++) {
                seqs.add(client.emitWithAckLater(n % 3 == 0 ? "slow" : "fast", null, n));
            }
            sent.add(seqs);
        }
        for (int c = 0; c < CLIENTS; c++) {
            ClientSocket client = clients.get(c);
            for (int n = 0; n < BURST; n++) {
                ClientEvent ack = client.expectAck(sent.get(c).get(n));
                assertEquals(n, ack.arg(0).asInt(), client + ": event " + n + " handled out of order: " + ack);
                assertThread(n % 3 == 0 ? POOL : null, ack, n);
            }
            SequentialThreads threads = new SequentialThreads(client);
            for (int n = BURST; n < BURST + SEQUENTIAL; n++) {
                ClientEvent ack = client.emitWithAck("fast", n);
                assertEquals(n, ack.arg(0).asInt(), client + ": event " + n + " handled out of order");
                threads.check(ack, n);
            }
            threads.assertReachedTheLoop();
            client.assertNothingMore();
        }
    }

    private ClientSocket connect(Windsock server, Transport transport) {
        NodeClient node = interop.client();
        ClientSocket client = node.connect(interop.url(server, "/"), transport.clientOptions());
        client.expectConnect();
        if (transport == Transport.UPGRADE) {
            client.awaitUpgrade();
        }
        return client;
    }

    /**
     * Where fast events sent one at a time run. The first ones may still go to the pool: the pool thread
     * that sent the previous ack may not have finished its turn (and marked the socket idle) when the next
     * event is read. Once one ran on the loop, nothing of the socket is on the pool any more, so every later
     * one must run on the loop too; and one must get there.
     */
    private static final class SequentialThreads {
        private final ClientSocket client;
        private boolean onLoop;

        SequentialThreads(ClientSocket client) {
            this.client = client;
        }

        void check(ClientEvent ack, int n) {
            assertThread(onLoop ? LOOP : null, ack, n);
            onLoop = ack.arg(1).asText().startsWith(LOOP);
        }

        void assertReachedTheLoop() {
            assertTrue(onLoop, client + ": no fast event sent one at a time ran on the event loop");
        }
    }

    /** @param prefix the thread name the handler must have run on, or null for either an event loop or the pool */
    private static void assertThread(String prefix, ClientEvent ack, int n) {
        String thread = ack.arg(1).asText();
        if (prefix == null) {
            assertTrue(thread.startsWith(LOOP) || thread.startsWith(POOL), "event " + n + " ran on " + thread);
        } else {
            assertTrue(thread.startsWith(prefix), "event " + n + " ran on " + thread + ", not " + prefix + "-*");
        }
    }
}
