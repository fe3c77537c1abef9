package io.windsock.internal.server;

import io.windsock.adapter.Adapter;
import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.adapter.BroadcastOptions;
import io.windsock.protocol.SocketPacket;
import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * Collects the acks of one broadcast into a future: complete once every node reported its recipient
 * count and every recipient acked; a {@link BroadcastTimeoutException} with the acks so far once the
 * timeout passes first. The future is completed on the handler executor's completion lane (see
 * {@code HandlerExecutors.completions}: handlers may block on it), never on a network thread.
 *
 * <p>A stopping server ends it earlier, the same way, once no answer can come any more (see
 * {@link #serverStopping}).
 */
final class AckCollector implements BroadcastAckHandler {
    private final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    private final Executor executor;
    private final PendingBroadcastAcks registry;
    private final String description;
    private final Duration timeout;
    private final long startNanos = System.nanoTime();
    // Guarded by this.
    private final List<Object> responses = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private int expectedClients;
    private int reportedServers;
    /** Nodes serving the namespace, -1 until known. */
    private int expectedServers = -1;
    /** Why the node count is unknown, or null. */
    private Throwable countFailure;
    private volatile boolean done;

    /** The timer is not started yet: see {@link #start()}. */
    AckCollector(Duration timeout, Executor executor, String description) {
        this(timeout, executor, new PendingBroadcastAcks(), description);
    }

    /** @param registry the server's pending broadcasts, which this joins until it completes */
    AckCollector(Duration timeout, Executor executor, PendingBroadcastAcks registry, String description) {
        this.executor = executor;
        this.registry = registry;
        this.description = description;
        this.timeout = timeout;
        registry.add(this);
    }

    /**
     * Sends the packet through the adapter and collects its acks. A local broadcast reaches this node
     * only, so it waits for this node's count alone: the adapter's server count is the cluster's.
     */
    static CompletableFuture<List<Object>> broadcast(Adapter adapter, SocketPacket packet, BroadcastOptions options,
                                                     Executor executor, PendingBroadcastAcks registry,
                                                     String description) {
        AckCollector collector = new AckCollector(options.timeout(), executor, registry, description);
        adapter.broadcastWithAck(packet, options, collector);
        if (options.local()) {
            collector.onServerCount(1);
        } else {
            adapter.serverCount().whenComplete((count, error) -> {
                if (error != null) {
                    // A dependent stage's failure comes wrapped: the cause is what went wrong.
                    collector.onServerCountFailed(error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                } else {
                    collector.onServerCount(count);
                }
            });
        }
        collector.start();
        return collector.future();
    }

    CompletableFuture<List<Object>> future() {
        return future;
    }

    /**
     * Starts the timer, for what is left of the timeout since construction. Called once the counts
     * known at once were reported, so that they win over a zero timeout (as in Node, where the
     * timer's task runs after the count's promise callbacks).
     */
    void start() {
        synchronized (this) {
            if (done || timer != null) {
                return;
            }
            long left = Math.max(0, timeout.toNanos() - (System.nanoTime() - startNanos));
            timer = Timers.schedule(this::onTimeout, Duration.ofNanos(left));
        }
        PendingBroadcastAcks.Stage stage = registry.stage();
        if (stage != PendingBroadcastAcks.Stage.RUNNING) {
            serverStopping(stage); // made while the server stops: its stop may have passed it by
        }
    }

    /** The adapter said how many nodes serve the namespace. */
    synchronized void onServerCount(int count) {
        expectedServers = count;
        check();
    }

    /**
     * The adapter's server count failed (a cluster adapter whose broker is away): the broadcast cannot
     * know when it is complete, so it waits for the timeout and then fails as any incomplete one, with
     * the acks received (this node's among them) and this error as the exception's cause. Node's
     * broadcast ends at its timeout too (its count's rejection is left unhandled).
     */
    synchronized void onServerCountFailed(Throwable error) {
        if (countFailure == null) {
            countFailure = error;
        }
    }

    @Override
    public synchronized void onClientCount(int count) {
        expectedClients += count;
        reportedServers++;
        check();
    }

    @Override
    public synchronized void onAck(List<Object> args) {
        if (done) {
            return;
        }
        responses.add(args.isEmpty() ? null : args.get(0));
        check();
    }

    @Override
    public boolean isDone() {
        return done;
    }

    private void check() {
        if (done || reportedServers != expectedServers || responses.size() < expectedClients) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        registry.remove(this);
        List<Object> result = responses.stream().toList(); // unmodifiable, keeps nulls
        completeLater(() -> future.complete(result));
    }

    /**
     * The server stops. Once its sockets are closed, a broadcast whose answers could only come from
     * this node (a local one, or a single node's) gets no more; once its adapters are closed, no
     * broadcast does. Either fails now as at its timeout, with the acks received, rather than hold a
     * handler that waits for it, and with it the stop, until then.
     */
    void serverStopping(PendingBroadcastAcks.Stage stage) {
        synchronized (this) {
            if (done || stage == PendingBroadcastAcks.Stage.SOCKETS_CLOSED
                    && !(expectedServers == 1 && reportedServers == 1)) {
                return;
            }
        }
        fail("server shutting down: ", "");
    }

    private void onTimeout() {
        fail("operation has timed out: ", " within " + timeout.toMillis() + " ms");
    }

    private void fail(String why, String within) {
        List<Object> partial;
        int expected;
        Throwable cause;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            partial = responses.stream().toList();
            expected = expectedClients;
            cause = countFailure;
        }
        registry.remove(this);
        String message = why + partial.size() + " of " + expected + " acks for "
                + description + within
                + (cause == null ? "" : " (the number of nodes could not be counted: " + cause.getMessage() + ")");
        BroadcastTimeoutException failure = new BroadcastTimeoutException(message, partial);
        if (cause != null) {
            failure.initCause(cause);
        }
        completeLater(() -> future.completeExceptionally(failure));
    }

    /**
     * Completes the future on the handler executor; if the executor refuses, here (as
     * {@link SocketAcks#completeLater}): a refusal must neither throw into the network thread that
     * delivered the last ack nor be lost on the timer thread, leaving the broadcast's future pending.
     */
    private void completeLater(Runnable completion) {
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            // Reachable: on Java 24+ the default VirtualThreadExecutor rethrows a refusal of the JDK's scheduler.
            completion.run();
        }
    }
}
