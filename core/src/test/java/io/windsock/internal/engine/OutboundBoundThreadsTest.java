package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import io.windsock.internal.engine.codec.EnginePacketType;
import io.windsock.internal.transport.NettyScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The outbound count under real threads: producers on threads of their own (as handlers and
 * broadcasts are) queue packets for a session whose state lives on a Netty event loop, while a
 * polling client on the other loop takes capped responses. The count must come back to exactly zero,
 * and every packet must be delivered once, in its producer's order, or refused.
 */
class OutboundBoundThreadsTest {
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 5_000;
    private static final int CAP = 4 * 1024;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @RepeatedTest(10)
    void everyPacketArrivesOnceAndInOrderAndTheCountReturnsToZero() throws Exception {
        Client client = start(EngineOptions.builder().maxPollResponseBytes(CAP).build(), 0);
        long[] accepted = produce(client.session, new AtomicLong(), Long.MAX_VALUE);

        assertTrue(client.delivered.await(30, TimeUnit.SECONDS), "not everything was delivered");
        onLoop(client.session, () -> null);  // the last response is written
        assertEquals(PRODUCERS * PER_PRODUCER, total(accepted));
        client.assertInOrderAndCapped(accepted);
        assertEquals(0, client.session.pendingOutboundBytes());
    }

    @RepeatedTest(10)
    void aSlowClientIsDroppedAtTheBoundAndTheCountReturnsToZero() throws Exception {
        long bound = 64 * 1024;
        Client client = start(EngineOptions.builder().maxPollResponseBytes(CAP).maxPendingOutboundBytes(bound).build(),
                1);
        AtomicLong mostHeld = new AtomicLong();
        long[] accepted = produce(client.session, mostHeld, bound);

        assertTrue(client.closed.await(30, TimeUnit.SECONDS), "the slow client was not dropped");
        assertEquals("transport error", client.closeReason);
        onLoop(client.session, () -> null);  // drains queued by the last accepted sends have run
        assertEquals(0, client.session.pendingOutboundBytes(), "every byte counted was let go");
        assertTrue(mostHeld.get() <= bound, mostHeld.get() + " bytes held");
        assertTrue(total(accepted) < PRODUCERS * PER_PRODUCER, "something was refused");
        client.assertInOrderAndCapped(accepted);
    }

    /** Sends from threads of their own; stops a producer at its first refusal. @return accepted per producer */
    private static long[] produce(EngineSession session, AtomicLong mostHeld, long bound) throws Exception {
        long[] accepted = new long[PRODUCERS];
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                await(start);
                for (int seq = 0; seq < PER_PRODUCER; seq++) {
                    if (!session.send(EnginePacket.message(producer + ":" + seq + ":" + "p".repeat(seq % 200)))) {
                        return;
                    }
                    accepted[producer]++;
                    long held = session.pendingOutboundBytes();
                    mostHeld.accumulateAndGet(held, Math::max);
                }
            }, "producer-" + p);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
            assertTrue(!thread.isAlive(), "a producer hangs");
        }
        return accepted;
    }

    private Client start(EngineOptions options, long pollDelayMillis) throws Exception {
        EventLoop sessionLoop = loops.next();
        EventLoop clientLoop = loops.next();
        Client client = new Client(sessionLoop, clientLoop, pollDelayMillis);
        EngineServer server = new EngineServer(options, session -> {
            client.session = session;  // before the poll that follows the handshake's response
            session.setHandler(client);
        });
        sessionLoop.submit(() -> server.open(EngineSessionFixture.request("polling"), EngineCodecV4.INSTANCE, client,
                NettyScheduler.of(sessionLoop))).get(10, TimeUnit.SECONDS);
        return client;
    }

    private static <T> T onLoop(EngineSession session, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        session.scheduler().execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private static long total(long[] counts) {
        long sum = 0;
        for (long count : counts) {
            sum += count;
        }
        return sum;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A long-polling client: its GETs arrive on the session's loop; each response is read on another
     * loop, which sends the next GET after {@code pollDelayMillis} (0: at once).
     */
    private static final class Client implements EngineTransport, EngineSession.Handler {
        final CountDownLatch delivered = new CountDownLatch(PRODUCERS * PER_PRODUCER);
        final CountDownLatch closed = new CountDownLatch(1);
        final ConcurrentLinkedQueue<List<EnginePacket>> responses = new ConcurrentLinkedQueue<>();
        private final EventLoop sessionLoop;
        private final EventLoop clientLoop;
        private final long pollDelayMillis;
        volatile EngineSession session;
        volatile String closeReason;
        private boolean waiting = true;  // the handshake GET

        Client(EventLoop sessionLoop, EventLoop clientLoop, long pollDelayMillis) {
            this.sessionLoop = sessionLoop;
            this.clientLoop = clientLoop;
            this.pollDelayMillis = pollDelayMillis;
        }

        @Override
        public TransportKind kind() {
            return TransportKind.POLLING;
        }

        @Override
        public boolean isWritable() {
            assertTrue(sessionLoop.inEventLoop());
            return waiting;
        }

        @Override
        public void send(List<EnginePacket> packets) {
            assertTrue(sessionLoop.inEventLoop() && waiting, "a response without a poll");
            waiting = false;
            List<EnginePacket> response = List.copyOf(packets);
            clientLoop.execute(() -> {
                responses.add(response);
                for (EnginePacket packet : response) {
                    if (packet.type() == EnginePacketType.MESSAGE) {
                        delivered.countDown();
                    }
                }
                if (pollDelayMillis == 0) {
                    sessionLoop.execute(this::poll);
                } else {
                    clientLoop.schedule(() -> sessionLoop.execute(this::poll), pollDelayMillis, TimeUnit.MILLISECONDS);
                }
            });
        }

        private void poll() {
            if (session.state() != EngineSession.State.CLOSED) {
                waiting = true;
                session.onDrain(this);
            }
        }

        @Override
        public void close() {
            waiting = false;
        }

        @Override
        public void discard() {
        }

        @Override
        public void onMessage(EngineSession s, String text) {
        }

        @Override
        public void onBinary(EngineSession s, byte[] data) {
        }

        @Override
        public void onClose(EngineSession s, String reason) {
            closeReason = reason;
            closed.countDown();
        }

        /** Every response is under the cap (or one packet); each producer's packets are a prefix of what it queued. */
        void assertInOrderAndCapped(long[] accepted) {
            int[] next = new int[PRODUCERS];
            for (List<EnginePacket> response : responses) {
                int bytes = EngineCodecV4.INSTANCE.encodePayload(response).getBytes(StandardCharsets.UTF_8).length;
                assertTrue(bytes <= CAP || response.size() == 1, "a response of " + bytes + " bytes");
                for (EnginePacket packet : response) {
                    if (packet.type() != EnginePacketType.MESSAGE) {
                        continue;
                    }
                    String[] parts = packet.text().split(":", 3);
                    int producer = Integer.parseInt(parts[0]);
                    assertEquals(next[producer], Integer.parseInt(parts[1]), "producer " + producer + " out of order");
                    next[producer]++;
                }
            }
            for (int p = 0; p < PRODUCERS; p++) {
                assertTrue(next[p] <= accepted[p], "delivered a packet that was refused");
            }
        }
    }
}
