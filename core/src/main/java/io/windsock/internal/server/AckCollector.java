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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * Collects the acks of one broadcast into a future: complete once every node reported its recipient
 * count and every recipient acked; a {@link BroadcastTimeoutException} with the acks so far once the
 * timeout passes first. The future is completed on the handler executor, never on a network thread.
 */
final class AckCollector implements BroadcastAckHandler {
    private final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    private final Executor executor;
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
    private volatile boolean done;

    /** The timer is not started yet: see {@link #start()}. */
    AckCollector(Duration timeout, Executor executor, String description) {
        this.executor = executor;
        this.description = description;
        this.timeout = timeout;
    }

    /** Sends the packet through the adapter and collects its acks. */
    static CompletableFuture<List<Object>> broadcast(Adapter adapter, SocketPacket packet, BroadcastOptions options,
                                                     Executor executor, String description) {
        AckCollector collector = new AckCollector(options.timeout(), executor, description);
        adapter.broadcastWithAck(packet, options, collector);
        adapter.serverCount().whenComplete((count, error) -> {
            if (error != null) {
                collector.onServerCountFailed(error);
            } else {
                collector.onServerCount(count);
            }
        });
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
    synchronized void start() {
        if (done || timer != null) {
            return;
        }
        long left = Math.max(0, timeout.toNanos() - (System.nanoTime() - startNanos));
        timer = Timers.schedule(this::onTimeout, Duration.ofNanos(left));
    }

    /** The adapter said how many nodes serve the namespace. */
    synchronized void onServerCount(int count) {
        expectedServers = count;
        check();
    }

    /** The adapter's server count failed: the broadcast cannot know when it is complete. */
    void onServerCountFailed(Throwable error) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
        }
        completeLater(() -> future.completeExceptionally(error));
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
        List<Object> result = responses.stream().toList(); // unmodifiable, keeps nulls
        completeLater(() -> future.complete(result));
    }

    private void onTimeout() {
        List<Object> partial;
        int expected;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            partial = responses.stream().toList();
            expected = expectedClients;
        }
        String message = "operation has timed out: " + partial.size() + " of " + expected + " acks for "
                + description + " within " + timeout.toMillis() + " ms";
        completeLater(() -> future.completeExceptionally(new BroadcastTimeoutException(message, partial)));
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
