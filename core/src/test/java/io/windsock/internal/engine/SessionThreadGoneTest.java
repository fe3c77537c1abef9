package io.windsock.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.engine.EngineOptions;
import io.windsock.internal.engine.codec.EngineCodecV4;
import io.windsock.internal.engine.codec.EnginePacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A session whose thread has ended (a stopping server, or an event loop that died of an error):
 * what is sent to it is dropped, never thrown at the sender; a close runs on the caller's thread,
 * once, however many threads close it at the same time.
 */
class SessionThreadGoneTest {
    private final Map<EngineSession, AtomicInteger> closes = new ConcurrentHashMap<>();
    private final EngineServer server = new EngineServer(EngineOptions.DEFAULT, session -> session.setHandler(
            new EngineSession.Handler() {
                @Override
                public void onMessage(EngineSession s, String text) {
                }

                @Override
                public void onBinary(EngineSession s, byte[] data) {
                }

                @Override
                public void onClose(EngineSession s, String reason) {
                    closes.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
                }
            }));

    /** The session's thread: the opener's until {@link #gone}, then one that refuses every task. */
    private static final class EndingScheduler implements EngineScheduler {
        volatile boolean gone;

        @Override
        public boolean inThread() {
            return !gone;
        }

        @Override
        public void execute(Runnable task) {
            if (gone) {
                throw new RejectedExecutionException("event executor terminated");
            }
            task.run();
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            if (gone) {
                throw new RejectedExecutionException("event executor terminated");
            }
            return Cancellable.NONE;
        }
    }

    private EngineSession open(EndingScheduler scheduler) {
        FakeTransport transport = FakeTransport.polling();
        EngineSession session = server.open(EngineSessionFixture.request("polling"), EngineCodecV4.INSTANCE,
                transport, scheduler);
        transport.bind(session);
        return session;
    }

    @Test
    void sendsAreDroppedAndACloseRunsHere() {
        EndingScheduler scheduler = new EndingScheduler();
        EngineSession session = open(scheduler);
        scheduler.gone = true;
        assertTrue(session.send(EnginePacket.message("dropped")), "queued, never drained: no exception");
        assertFalse(session.send(EnginePacket.message("x".repeat(17 * 1024 * 1024))), "refused at the bound");
        session.shutdown();
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(1, closes.get(session).get());
        assertTrue(server.sessions().isEmpty());
    }

    @Test
    void aCloseThatWouldWaitForTheClientEndsAtOnce() {
        EndingScheduler scheduler = new EndingScheduler();
        EngineSession session = open(scheduler); // no poll waiting: what is queued waits for the next one
        scheduler.gone = true;
        assertTrue(session.send(EnginePacket.message("waiting")));
        session.close(); // threw RejectedExecutionException: its wait for the client was a timer on that thread
        assertEquals(EngineSession.State.CLOSED, session.state());
        assertEquals(1, closes.get(session).get());
        assertTrue(server.sessions().isEmpty());
    }

    @Test
    void twoThreadsClosingAtOnceCloseItOnce() throws Exception {
        List<EngineSession> sessions = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            EndingScheduler scheduler = new EndingScheduler();
            sessions.add(open(scheduler));
            scheduler.gone = true;
        }
        // Each session closed by both at the same moment: a stop, and the watcher of its dead loop.
        CyclicBarrier both = new CyclicBarrier(2);
        Thread stop = new Thread(() -> sessions.forEach(s -> {
            await(both);
            s.shutdown();
        }));
        Thread watcher = new Thread(() -> sessions.forEach(s -> {
            await(both);
            s.closeAsTransportError("its network thread ended");
        }));
        stop.start();
        watcher.start();
        stop.join(20_000);
        watcher.join(20_000);
        assertFalse(stop.isAlive() || watcher.isAlive());
        for (EngineSession session : sessions) {
            assertEquals(1, closes.get(session).get(), session + " closed once");
        }
        assertTrue(server.sessions().isEmpty());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
