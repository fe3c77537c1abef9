package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Commands Lettuce never answers (a hung node it is still connecting to) stay bounded in number and in time. */
class CommandsInFlightTest {
    private final HashedWheelTimer timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    private static Throwable cause(CompletableFuture<Long> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return failed.getCause();
    }

    @Test
    void pastTheLimitACommandFailsAtOnceWithoutBeingSent() {
        CommandsInFlight commands = new CommandsInFlight(timer, 3, Duration.ofMinutes(1));
        List<CompletableFuture<Long>> unanswered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            commands.send(() -> {
                CompletableFuture<Long> never = new CompletableFuture<>();
                unanswered.add(never);
                return never;
            });
        }
        CompletableFuture<Long> refused = commands.send(() -> {
            throw new AssertionError("not sent past the limit");
        });
        assertTrue(refused.isCompletedExceptionally());
        assertInstanceOf(RedisException.class, cause(refused));
        assertEquals(3, commands.count());

        unanswered.get(0).complete(1L); // Lettuce answers one: its slot is free again
        assertEquals(2, commands.count());
        CompletableFuture<Long> answered = new CompletableFuture<>();
        CompletableFuture<Long> sent = commands.send(() -> answered);
        answered.complete(2L);
        assertEquals(2L, sent.join());
    }

    @Test
    void anUnansweredCommandFailsAfterTheTimeoutButHoldsItsSlotUntilLettuceEndsIt() {
        CommandsInFlight commands = new CommandsInFlight(timer, 10, Duration.ofMillis(50));
        CompletableFuture<Long> never = new CompletableFuture<>();
        CompletableFuture<Long> sent = commands.send(() -> never);
        assertInstanceOf(RedisCommandTimeoutException.class, cause(sent));
        assertEquals(1, commands.count(), "the command may still be on its way");
        never.completeExceptionally(new RedisException("connection closed"));
        assertEquals(0, commands.count());
    }

    @Test
    void aCommandAnsweredAtOnceIsGivenBackAsItIs() {
        CommandsInFlight commands = new CommandsInFlight(timer, 1, Duration.ofMillis(50));
        CompletableFuture<Long> done = CompletableFuture.completedFuture(4L);
        assertSame(done, commands.send(() -> done));
        CompletableFuture<Long> failing = commands.send(() -> {
            throw new RedisException("request queue full");
        });
        assertInstanceOf(RedisException.class, cause(failing));
        assertEquals(0, commands.count());
    }

    /**
     * On a cluster of three masters, six at most in all: publishes to a master that never answers hold its
     * share (two), past it one fails at once, and publishes to the other masters are still sent.
     */
    @Test
    void aMasterThatNeverAnswersHoldsItsShareOfThePublishes() {
        CommandsInFlight commands = new CommandsInFlight(timer, 6, Duration.ofMinutes(1), () -> 3);
        for (int i = 0; i < 2; i++) {
            assertFalse(commands.send("hung", CompletableFuture<Long>::new).isDone());
        }
        CompletableFuture<Long> refused = commands.send("hung", () -> {
            throw new AssertionError("not sent past the master's share");
        });
        assertTrue(cause(refused).getMessage().contains("more than 2 commands"), cause(refused).toString());

        CompletableFuture<Long> answer = new CompletableFuture<>();
        CompletableFuture<Long> healthy = commands.send("healthy", () -> answer);
        answer.complete(1L);
        assertEquals(1L, healthy.join());
        for (int i = 0; i < 4; i++) {
            assertFalse(commands.send(null, CompletableFuture<Long>::new).isDone(), "no master: the whole limit");
        }
        assertInstanceOf(RedisException.class, cause(commands.send("healthy", CompletableFuture<Long>::new)),
                "the total is still bounded");
        assertEquals(6, commands.count());
    }
}
