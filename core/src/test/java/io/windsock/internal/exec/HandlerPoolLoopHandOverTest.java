package io.windsock.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.windsock.internal.transport.LoopTurnEnds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks handed to the pool by Netty event loops (two real loops): woken for when the loop's turn ends. */
class HandlerPoolLoopHandOverTest {
    /** Long enough that the watch never counts a task of these tests out as blocked. */
    private static final long NEVER_BLOCKED = TimeUnit.SECONDS.toNanos(60);

    private EventLoopGroup loops;

    @BeforeEach
    void startLoops() {
        loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTaskHandedOverByALoopStartsOnceTheLoopsTurnHasEnded() throws Exception {
        HandlerPool pool = new HandlerPool(2, 8, 60, TimeUnit.SECONDS, NEVER_BLOCKED, "test-turn-",
                LoopTurnEnds.INSTANCE);
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch ran = new CountDownLatch(1);
            Future<Boolean> startedDuringTurn = loops.next().submit(() -> {
                pool.execute(() -> {
                    started.countDown();
                    ran.countDown();
                });
                // A free core and an idle pool thread: woken at once, the task would start within this wait.
                return started.await(200, TimeUnit.MILLISECONDS);
            });
            assertFalse(startedDuringTurn.get(10, TimeUnit.SECONDS), "the task started while the loop's turn ran");
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the task runs when the turn ends");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLongTurnWakesAThreadBeforeItEnds() throws Exception {
        HandlerPool pool = new HandlerPool(2, 8, 60, TimeUnit.SECONDS, NEVER_BLOCKED, "test-long-",
                LoopTurnEnds.INSTANCE);
        try {
            CountDownLatch firstRan = new CountDownLatch(1);
            Future<Boolean> ranDuringTurn = loops.next().submit(() -> {
                pool.execute(firstRan::countDown);
                for (int i = 1; i < HandlerPool.EARLY_WAKE_EVERY; i++) {
                    pool.execute(() -> { });
                }
                // A turn that goes on (a loop reading many connections): its tasks must not wait for its end.
                return firstRan.await(10, TimeUnit.SECONDS);
            });
            assertTrue(ranDuringTurn.get(15, TimeUnit.SECONDS), "the pool ran nothing while the turn went on");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTurnsTasksWakeAsManyThreadsAsThePoolRunsAtOnce() throws Exception {
        HandlerPool pool = new HandlerPool(2, 8, 60, TimeUnit.SECONDS, NEVER_BLOCKED, "test-wakes-",
                LoopTurnEnds.INSTANCE);
        try {
            // Two tasks that only finish together: one woken thread alone would hold the second task
            // queued behind the first until the watch counted it out (a minute here).
            CyclicBarrier both = new CyclicBarrier(2);
            CountDownLatch done = new CountDownLatch(2);
            loops.next().execute(() -> {
                for (int i = 0; i < 2; i++) {
                    pool.execute(() -> {
                        try {
                            both.await(10, TimeUnit.SECONDS);
                            done.countDown();
                        } catch (Exception e) {
                            // done stays short: the assertion below fails
                        }
                    });
                }
            });
            assertTrue(done.await(15, TimeUnit.SECONDS), "both tasks ran at once");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One turn hands over more tasks than the pool runs at once, and the first ones block: the rest must
     * still get threads (the watch counts the blocked ones out), with no later hand-over to trigger it.
     * Each task waits until all have started, which only ends if each got a thread of its own.
     */
    @Test
    void aTurnsTasksBeyondTheRunningThreadsStartWhenTheFirstBlock() throws Exception {
        HandlerPool pool = new HandlerPool(2, 8, 60, TimeUnit.SECONDS, TimeUnit.MILLISECONDS.toNanos(2),
                "test-beyond-", LoopTurnEnds.INSTANCE);
        try {
            int tasks = 5;
            CountDownLatch allStarted = new CountDownLatch(tasks);
            CountDownLatch done = new CountDownLatch(tasks);
            loops.next().execute(() -> {
                for (int i = 0; i < tasks; i++) {
                    pool.execute(() -> {
                        allStarted.countDown();
                        try {
                            if (allStarted.await(10, TimeUnit.SECONDS)) {
                                done.countDown();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            });
            assertTrue(done.await(15, TimeUnit.SECONDS), "tasks that never started: " + allStarted.getCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyTaskHandedOverByTwoLoopsRunsExactlyOnce() throws Exception {
        HandlerPool pool = new HandlerPool(2, 8, 60, TimeUnit.SECONDS, NEVER_BLOCKED, "test-many-",
                LoopTurnEnds.INSTANCE);
        try {
            int turns = 2_000;
            int perTurn = 5;
            AtomicInteger[] runs = new AtomicInteger[2 * turns * perTurn];
            for (int i = 0; i < runs.length; i++) {
                runs[i] = new AtomicInteger();
            }
            CountDownLatch done = new CountDownLatch(runs.length);
            List<EventLoop> two = new ArrayList<>();
            two.add(loops.next());
            two.add(loops.next());
            for (int turn = 0; turn < turns; turn++) {
                for (int l = 0; l < 2; l++) {
                    int first = (turn * 2 + l) * perTurn;
                    // Each loop task is one turn's worth of hand-overs; some turns end while the pool runs.
                    two.get(l).execute(() -> {
                        for (int k = first; k < first + perTurn; k++) {
                            int index = k;
                            pool.execute(() -> {
                                runs[index].incrementAndGet();
                                done.countDown();
                            });
                        }
                    });
                }
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "tasks left: " + done.getCount());
            for (int i = 0; i < runs.length; i++) {
                assertEquals(1, runs[i].get(), "task " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
