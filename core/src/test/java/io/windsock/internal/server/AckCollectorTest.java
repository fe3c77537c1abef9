package io.windsock.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broadcast's ack future completes even when the handler executor refuses the completion, and a
 * stopping server ends it once no answer can come any more.
 */
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

    /** Counts known, one of two acks in: what a stop finds pending. */
    private static AckCollector waiting(PendingBroadcastAcks registry, int servers) {
        AckCollector collector = new AckCollector(Duration.ofSeconds(30), REFUSING, registry, "event \"e\"");
        collector.onServerCount(servers);
        for (int i = 0; i < servers; i++) {
            collector.onClientCount(i == 0 ? 2 : 0); // two recipients, on the first node
        }
        collector.onAck(List.of("a"));
        collector.start();
        return collector;
    }

    private static BroadcastTimeoutException failure(AckCollector collector) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> collector.future().get(10, TimeUnit.SECONDS));
        return assertInstanceOf(BroadcastTimeoutException.class, e.getCause());
    }

    @Test
    void aSingleNodesBroadcastFailsOnceTheStoppingServersSocketsAreClosed() {
        PendingBroadcastAcks registry = new PendingBroadcastAcks();
        AckCollector collector = waiting(registry, 1);
        registry.advance(PendingBroadcastAcks.Stage.SOCKETS_CLOSED);
        BroadcastTimeoutException failure = failure(collector);
        assertEquals(List.of("a"), failure.responses());
        assertTrue(failure.getMessage().startsWith("server shutting down: 1 of 2 acks"), failure.getMessage());
        assertEquals(0, registry.size(), "a finished broadcast is not kept");
    }

    @Test
    void aClusterBroadcastWaitsForOtherNodesUntilTheAdaptersClose() {
        PendingBroadcastAcks registry = new PendingBroadcastAcks();
        AckCollector collector = waiting(registry, 2);
        registry.advance(PendingBroadcastAcks.Stage.SOCKETS_CLOSED);
        assertFalse(collector.future().isDone(), "another node's clients may still answer");
        registry.advance(PendingBroadcastAcks.Stage.ADAPTERS_CLOSED);
        assertEquals(List.of("a"), failure(collector).responses());
    }

    @Test
    void aBroadcastStartedDuringTheStopFailsAtItsStart() {
        PendingBroadcastAcks registry = new PendingBroadcastAcks();
        registry.advance(PendingBroadcastAcks.Stage.SOCKETS_CLOSED);
        AckCollector collector = waiting(registry, 1);
        assertEquals(List.of("a"), failure(collector).responses());
    }

    @Test
    void aCompletedBroadcastLeavesTheRegistry() throws Exception {
        PendingBroadcastAcks registry = new PendingBroadcastAcks();
        AckCollector collector = waiting(registry, 1);
        collector.onAck(List.of("b"));
        assertEquals(List.of("a", "b"), collector.future().get(10, TimeUnit.SECONDS));
        assertEquals(0, registry.size());
    }
}
