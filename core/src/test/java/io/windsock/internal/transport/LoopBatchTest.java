package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link NettyScheduler#executeBatched} on real event loops: one pass per loop, nothing lost, nothing twice. */
class LoopBatchTest {
    private static final long WAIT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void oneSchedulerPerLoop() {
        EventLoop a = group.next();
        EventLoop b = group.next();
        assertSame(NettyScheduler.of(a), NettyScheduler.of(a));
        assertTrue(NettyScheduler.of(a) != NettyScheduler.of(b));
    }

    @Test
    void whatIsQueuedBeforeThePassStartsRunsInThatOnePass() throws Exception {
        EventLoop loop = group.next();
        NettyScheduler scheduler = NettyScheduler.of(loop);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> await(release)); // holds the loop while the test queues
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            String name = "a" + i;
            scheduler.executeBatched(() -> ran.add(name));
        }
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            ran.add("plain task");
            done.countDown();
        });
        // Queued after the plain task, but before the pass started: it joins the pass, which runs first.
        scheduler.executeBatched(() -> ran.add("late"));
        release.countDown();
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("a" + i);
        }
        expected.add("late");
        expected.add("plain task");
        assertEquals(expected, ran);
    }

    @Test
    void aTaskQueuedDuringThePassRunsInTheNextOne() throws Exception {
        EventLoop loop = group.next();
        NettyScheduler scheduler = NettyScheduler.of(loop);
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        scheduler.executeBatched(() -> {
            ran.add("first");
            scheduler.executeBatched(() -> {
                ran.add("queued by the first");
                done.countDown();
            });
            ran.add("first ends");
        });
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("first", "first ends", "queued by the first"), ran);
    }

    @Test
    void aTaskThatThrowsDoesNotStopThePass() throws Exception {
        EventLoop loop = group.next();
        NettyScheduler scheduler = NettyScheduler.of(loop);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> await(release));
        CountDownLatch after = new CountDownLatch(1);
        scheduler.executeBatched(() -> {
            throw new IllegalStateException("expected by the test");
        });
        scheduler.executeBatched(after::countDown);
        release.countDown();
        assertTrue(after.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void refusedOnceTheLoopHasShutDown() throws Exception {
        EventLoop loop = group.next();
        NettyScheduler scheduler = NettyScheduler.of(loop);
        assertTrue(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> scheduler.executeBatched(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> scheduler.executeBatched(() -> { }));
    }

    /**
     * Clients as the engine keeps them (a queue counter and a "drain queued" flag), 500 on each of two
     * loops, sent to by eight threads at once: every send is drained, on its client's loop.
     */
    @Test
    void manyThreadsSendingToClientsOnTwoLoops() throws Exception {
        int clientsPerLoop = 500;
        int threads = 8;
        int rounds = 50;
        List<FakeClient> clients = new ArrayList<>();
        for (int i = 0; i < 2 * clientsPerLoop; i++) {
            clients.add(new FakeClient(group.next()));
        }
        List<Thread> senders = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                await(start);
                for (int r = 0; r < rounds; r++) {
                    clients.forEach(FakeClient::send);
                }
            }, "sender-" + t);
            sender.start();
            senders.add(sender);
        }
        start.countDown();
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertTrue(!sender.isAlive(), "a sender hangs");
        }
        long expected = (long) threads * rounds;
        for (FakeClient client : clients) {
            client.awaitDelivered(expected);
            assertEquals(expected, client.delivered.get());
            assertTrue(client.wrongThread.isEmpty(), client.wrongThread.toString());
        }
    }

    private static final class FakeClient {
        final EventLoop loop;
        final NettyScheduler scheduler;
        final AtomicLong queued = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicBoolean drainQueued = new AtomicBoolean();
        final List<String> wrongThread = Collections.synchronizedList(new ArrayList<>());
        final Runnable drain = this::drain;

        FakeClient(EventLoop loop) {
            this.loop = loop;
            this.scheduler = NettyScheduler.of(loop);
        }

        void send() {
            queued.incrementAndGet();
            if (drainQueued.compareAndSet(false, true)) {
                scheduler.executeBatched(drain);
            }
        }

        private void drain() {
            if (!loop.inEventLoop()) {
                wrongThread.add(Thread.currentThread().getName());
            }
            drainQueued.set(false);
            long n = queued.getAndSet(0);
            synchronized (this) {
                delivered.addAndGet(n);
                notifyAll();
            }
        }

        synchronized void awaitDelivered(long expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (delivered.get() < expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
