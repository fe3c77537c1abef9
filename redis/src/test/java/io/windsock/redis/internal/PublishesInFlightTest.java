package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Publishes Lettuce never answers (a hung node it is still connecting to) stay bounded in number and in time. */
class PublishesInFlightTest {
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
    void pastTheLimitAPublishFailsAtOnceWithoutBeingSent() {
        PublishesInFlight publishes = new PublishesInFlight(timer, 3, Duration.ofMinutes(1));
        List<CompletableFuture<Long>> unanswered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            publishes.send(() -> {
                CompletableFuture<Long> never = new CompletableFuture<>();
                unanswered.add(never);
                return never;
            });
        }
        CompletableFuture<Long> refused = publishes.send(() -> {
            throw new AssertionError("not sent past the limit");
        });
        assertTrue(refused.isCompletedExceptionally());
        assertInstanceOf(RedisException.class, cause(refused));
        assertEquals(3, publishes.count());

        unanswered.get(0).complete(1L); // Lettuce answers one: its slot is free again
        assertEquals(2, publishes.count());
        CompletableFuture<Long> answered = new CompletableFuture<>();
        CompletableFuture<Long> sent = publishes.send(() -> answered);
        answered.complete(2L);
        assertEquals(2L, sent.join());
    }

    @Test
    void anUnansweredPublishFailsAfterTheTimeoutButHoldsItsSlotUntilLettuceEndsIt() {
        PublishesInFlight publishes = new PublishesInFlight(timer, 10, Duration.ofMillis(50));
        CompletableFuture<Long> never = new CompletableFuture<>();
        CompletableFuture<Long> sent = publishes.send(() -> never);
        assertInstanceOf(RedisCommandTimeoutException.class, cause(sent));
        assertEquals(1, publishes.count(), "the command may still be on its way");
        never.completeExceptionally(new RedisException("connection closed"));
        assertEquals(0, publishes.count());
    }

    @Test
    void aPublishAnsweredAtOnceIsGivenBackAsItIs() {
        PublishesInFlight publishes = new PublishesInFlight(timer, 1, Duration.ofMillis(50));
        CompletableFuture<Long> done = CompletableFuture.completedFuture(4L);
        assertSame(done, publishes.send(() -> done));
        CompletableFuture<Long> failing = publishes.send(() -> {
            throw new RedisException("request queue full");
        });
        assertInstanceOf(RedisException.class, cause(failing));
        assertEquals(0, publishes.count());
    }
}
