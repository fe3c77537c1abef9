package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriber's commands on a cluster of three masters, six at most in all: a master that never answers
 * holds its share (two) and no more, so that commands to the others are still sent; the total stays bounded.
 */
class SubscriberCommandsTest {
    private static final int MAX = 6;
    private static final int SHARE = 2;
    private final HashedWheelTimer timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    private final SubscriberCommands commands = new SubscriberCommands(timer, MAX, Duration.ofMinutes(1), () -> 3);
    private final AtomicInteger notSent = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    @Test
    void aMasterThatNeverAnswersHoldsItsShareAndTheOthersAreStillSent() {
        List<CompletableFuture<?>> hung = new ArrayList<>();
        for (int i = 0; i < SHARE; i++) {
            hung.add(unanswered("hung"));
        }
        CompletableFuture<?> refused = commands.send("hung", () -> {
            throw new AssertionError("not sent past the master's share");
        }, notSent::incrementAndGet);
        assertTrue(refused.isCompletedExceptionally());
        assertTrue(cause(refused).getMessage().contains("more than 2 commands"), cause(refused).toString());
        assertEquals(1, notSent.get(), "tried again later");

        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<?> healthy = commands.send("healthy", () -> answer, notSent::incrementAndGet);
        answer.complete("subscribed");
        assertEquals("subscribed", healthy.join());
        assertEquals(SHARE, commands.count());

        hung.get(0).complete(null); // Lettuce ends one: its place is the master's again
        unanswered("hung");
        assertEquals(1, notSent.get());
    }

    @Test
    void theTotalIsBoundedWhateverTheMasters() {
        for (String master : List.of("a", "b", "c")) {
            for (int i = 0; i < SHARE; i++) {
                unanswered(master);
            }
        }
        // A master the map did not name before (a failover) has a share, but no place is left in all.
        CompletableFuture<?> newMaster = commands.send("d", CompletableFuture::new, notSent::incrementAndGet);
        CompletableFuture<?> ownConnection = commands.send(null, CompletableFuture::new, notSent::incrementAndGet);
        assertInstanceOf(RedisException.class, cause(newMaster));
        assertInstanceOf(RedisException.class, cause(ownConnection));
        assertEquals(2, notSent.get());
        assertEquals(MAX, commands.count());
    }

    @Test
    void theSubscribersOwnConnectionHasTheWholeLimit() {
        for (int i = 0; i < MAX; i++) {
            commands.send(null, CompletableFuture::new, notSent::incrementAndGet);
        }
        assertEquals(0, notSent.get());
        assertEquals(MAX, commands.count());
    }

    @Test
    void aCommandGivenUpAfterTheTimeoutHoldsItsPlaceUntilLettuceEndsIt() {
        SubscriberCommands quick = new SubscriberCommands(timer, MAX, Duration.ofMillis(50), () -> 3);
        CompletableFuture<Void> never = new CompletableFuture<>();
        CompletableFuture<?> first = quick.send("hung", () -> never, notSent::incrementAndGet);
        quick.send("hung", CompletableFuture::new, notSent::incrementAndGet);
        assertInstanceOf(RedisCommandTimeoutException.class, cause(first));
        assertTrue(quick.send("hung", CompletableFuture::new, notSent::incrementAndGet).isCompletedExceptionally(),
                "still on its way in Lettuce: its place is held");
        never.completeExceptionally(new RedisException("connection closed"));
        assertFalse(quick.send("hung", CompletableFuture::new, notSent::incrementAndGet).isDone());
        assertEquals(1, notSent.get());
    }

    /**
     * Threads send to the masters and to the subscriber's own connection while others answer: no master ever
     * has more than its share on its way, nor all of them more than the limit, and every place is freed.
     */
    @Test
    void sharesHoldUnderConcurrentSendsAndAnswers() throws Exception {
        List<String> masters = new ArrayList<>(List.of("a", "b", "c"));
        masters.add(null);
        Map<String, AtomicInteger> onTheirWay = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        AtomicInteger mostForOneMaster = new AtomicInteger();
        AtomicInteger mostInAll = new AtomicInteger();
        BlockingQueue<Runnable> answers = new LinkedBlockingQueue<>();
        int senders = 4;
        int perSender = 20_000;
        ExecutorService threads = Executors.newFixedThreadPool(senders + 2);
        try {
            List<Future<?>> sending = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                sending.add(threads.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        String master = masters.get(ThreadLocalRandom.current().nextInt(masters.size()));
                        AtomicInteger mine = onTheirWay.computeIfAbsent(String.valueOf(master), m -> new AtomicInteger());
                        commands.send(master, () -> {
                            CompletableFuture<Void> command = new CompletableFuture<>();
                            if (master != null) {
                                mostForOneMaster.accumulateAndGet(mine.incrementAndGet(), Math::max);
                            }
                            mostInAll.accumulateAndGet(total.incrementAndGet(), Math::max);
                            answers.add(() -> {
                                // counted off before the answer frees the place
                                if (master != null) {
                                    mine.decrementAndGet();
                                }
                                total.decrementAndGet();
                                command.complete(null);
                            });
                            return command;
                        }, notSent::incrementAndGet);
                    }
                }));
            }
            List<Future<?>> answering = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                answering.add(threads.submit(() -> {
                    while (true) {
                        Runnable answer = answers.poll(10, TimeUnit.MILLISECONDS);
                        if (answer != null) {
                            answer.run();
                        } else if (sending.stream().allMatch(Future::isDone)) {
                            return null;
                        }
                    }
                }));
            }
            for (Future<?> f : sending) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (Future<?> f : answering) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(mostForOneMaster.get() <= SHARE, mostForOneMaster + " on their way to one master");
        assertTrue(mostInAll.get() <= MAX, mostInAll + " on their way in all");
        assertTrue(notSent.get() > 0, "the bounds were reached");
        assertEquals(0, commands.count(), "every place freed");
        for (String master : List.of("a", "b", "c")) {
            for (int i = 0; i < SHARE; i++) {
                unanswered(master);
            }
        }
        assertEquals(MAX, commands.count());
    }

    /** @return a command sent to the master that Lettuce has not answered yet */
    private CompletableFuture<Void> unanswered(String master) {
        CompletableFuture<Void> command = new CompletableFuture<>();
        int before = notSent.get();
        commands.send(master, () -> command, notSent::incrementAndGet);
        assertEquals(before, notSent.get(), "sent");
        return command;
    }

    private static Throwable cause(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return failed.getCause();
    }
}
