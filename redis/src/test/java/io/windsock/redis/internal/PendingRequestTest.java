package io.windsock.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A request to the other nodes: its timeout covers counting them, and a closed adapter sends none. */
class PendingRequestTest {
    @Test
    void aNodeCountThatNeverComesFailsAtTheRequestsTimeout() {
        CompletableFuture<Integer> count = PendingRequest.countWithin(new CompletableFuture<>(), Duration.ofMillis(100),
                "REMOTE_FETCH", new AtomicBoolean());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> count.get(10, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, failed.getCause());
        assertEquals(List.of(), timeout.responses());
    }

    @Test
    void anAdapterClosedWhileCountingSendsNoRequest() {
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        CompletableFuture<Integer> count = PendingRequest.countWithin(answer, Duration.ofSeconds(5), "REMOTE_FETCH", closed);
        closed.set(true);
        answer.complete(3);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> count.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
    }

    @Test
    void aCountInTimePassesThrough() throws Exception {
        assertEquals(3, PendingRequest.countWithin(CompletableFuture.completedFuture(3), Duration.ofSeconds(5),
                "REMOTE_FETCH", new AtomicBoolean()).get(10, TimeUnit.SECONDS));
    }

    @Test
    void responsesCompleteTheRequestAndATimeoutAfterwardsChangesNothing() throws Exception {
        PendingRequest<String> request = new PendingRequest<>("r1", "REMOTE_FETCH", 2, Duration.ofMillis(200), () -> { });
        request.onResponse("a");
        request.onResponse("b");
        assertEquals(List.of("a", "b"), request.future().get(10, TimeUnit.SECONDS));
        PendingRequest<String> late = new PendingRequest<>("r2", "REMOTE_FETCH", 2, Duration.ofMillis(50), () -> { });
        late.onResponse("a");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> late.future().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), ((BroadcastTimeoutException) failed.getCause()).responses());
    }
}
