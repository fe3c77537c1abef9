package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A broadcast's ack future completes even when the handler executor refuses the completion. */
class AckCollectorTest {
    private static final Executor REFUSING = task -> {
        throw new RejectedExecutionException("refused");
    };

    @Test
    void theLastAckCompletesTheFutureWhenTheExecutorRefuses() throws Exception {
        AckCollector collector = new AckCollector(Duration.ofSeconds(30), REFUSING, "event \"e\"");
        collector.onServerCount(1);
        collector.onClientCount(2);
        collector.onAck(List.of("a"));
        collector.onAck(List.of("b")); // on a network thread: must not throw
        assertEquals(List.of("a", "b"), collector.future().get(10, TimeUnit.SECONDS));
    }

    @Test
    void theTimeoutCompletesTheFutureWhenTheExecutorRefuses() {
        AckCollector collector = new AckCollector(Duration.ofMillis(1), REFUSING, "event \"e\"");
        collector.onServerCount(1);
        collector.onClientCount(1);
        collector.start();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> collector.future().get(10, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, e.getCause());
        assertEquals(List.of(), timeout.responses());
    }

    @Test
    void aFailedServerCountEndsAtTheTimeoutWhenTheExecutorRefuses() {
        AckCollector collector = new AckCollector(Duration.ofMillis(1), REFUSING, "event \"e\"");
        IllegalStateException error = new IllegalStateException("no count");
        collector.onServerCountFailed(error);
        collector.onClientCount(1);
        collector.onAck(List.of("a"));
        collector.start();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> collector.future().get(10, TimeUnit.SECONDS));
        BroadcastTimeoutException timeout = assertInstanceOf(BroadcastTimeoutException.class, e.getCause());
        assertEquals(List.of("a"), timeout.responses());
        assertSame(error, timeout.getCause());
    }

    @Test
    void aZeroTimeoutLosesToTheCountsReportedBeforeTheStart() throws Exception {
        AckCollector collector = new AckCollector(Duration.ZERO, REFUSING, "event \"e\"");
        collector.onClientCount(0);
        collector.onServerCount(1);
        collector.start(); // done already: no timer to fail it
        assertEquals(List.of(), collector.future().get(10, TimeUnit.SECONDS));
    }
}
