package io.windsock.redis.internal;

import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request waiting for the other nodes' responses (of either adapter; {@code type} names it in errors): completes with them once {@code expected} have
 * arrived, or with a {@link BroadcastTimeoutException} (holding those that did) when the timeout passes
 * first. Thread-safe.
 */
final class PendingRequest<R> {
    private final String requestId;
    private final String type;
    private final int expected;
    private final CompletableFuture<List<R>> future = new CompletableFuture<>();
    // Guarded by this.
    private final List<R> responses = new ArrayList<>();
    /** The nodes that answered, of those whose answers name them; guarded by this. */
    private final Set<String> responders = new HashSet<>();

    PendingRequest(String requestId, String type, int expected, Duration timeout, Runnable onDone) {
        this.requestId = requestId;
        this.type = type;
        this.expected = expected;
        // Cancelled when the request completes first: the timer would hold the responses until its time.
        ScheduledFuture<?> timer = RedisTimer.schedule(() -> {
            List<R> partial;
            synchronized (this) {
                partial = List.copyOf(responses);
            }
            future.completeExceptionally(new BroadcastTimeoutException("timeout reached while waiting for "
                    + type + " responses (request " + requestId + "): " + partial.size() + " of " + expected
                    + " nodes answered within " + timeout.toMillis() + " ms", new ArrayList<Object>(partial)));
        }, timeout);
        future.whenComplete((r, e) -> {
            timer.cancel(false);
            onDone.run();
        });
    }

    /**
     * The node count a request waits for, bounded by the request's own timeout (an application's Redis
     * client may hold the command long during an outage), and not once the adapter has closed.
     */
    static CompletableFuture<Integer> countWithin(CompletionStage<Integer> count, Duration timeout, String type,
                                                  AtomicBoolean closed) {
        return count.toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((n, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                        throw new CompletionException(cause instanceof TimeoutException
                                ? new BroadcastTimeoutException("timeout reached while counting the nodes for a "
                                + type + " request: no answer from Redis within " + timeout.toMillis() + " ms", List.of())
                                : cause);
                    }
                    if (closed.get()) {
                        throw new CompletionException(new IllegalStateException("the adapter closed before the "
                                + type + " request was sent"));
                    }
                    return n;
                });
    }

    String requestId() {
        return requestId;
    }

    String type() {
        return type;
    }

    CompletableFuture<List<R>> future() {
        return future;
    }

    /** An answer from a node the message does not name (the classic adapter's answers name none). */
    void onResponse(R response) {
        onResponse(response, null);
    }

    /**
     * @param responder the answering node's uid, or null when unknown: a node named twice (it got the request
     *     twice, or someone replays its answer) is counted once, so that its second answer does not complete
     *     the request in place of another node's
     */
    void onResponse(R response, String responder) {
        List<R> all = null;
        synchronized (this) {
            if (future.isDone() || (responder != null && !responders.add(responder))) {
                return;
            }
            responses.add(response);
            if (responses.size() >= expected) {
                all = List.copyOf(responses);
            }
        }
        if (all != null) {
            future.complete(all);
        }
    }

    /** Fails the request at once (the adapter closed, or the request could not be published). */
    void fail(Throwable error) {
        future.completeExceptionally(error);
    }
}
