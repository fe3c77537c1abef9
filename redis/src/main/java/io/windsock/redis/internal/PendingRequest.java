package io.windsock.redis.internal;

import io.windsock.server.BroadcastTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    PendingRequest(String requestId, String type, int expected, Duration timeout, Runnable onDone) {
        this.requestId = requestId;
        this.type = type;
        this.expected = expected;
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            List<R> partial;
            synchronized (this) {
                partial = List.copyOf(responses);
            }
            future.completeExceptionally(new BroadcastTimeoutException("timeout reached while waiting for "
                    + type + " responses (request " + requestId + "): " + partial.size() + " of " + expected
                    + " nodes answered within " + timeout.toMillis() + " ms", new ArrayList<Object>(partial)));
        });
        future.whenComplete((r, e) -> onDone.run());
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

    void onResponse(R response) {
        List<R> all = null;
        synchronized (this) {
            if (future.isDone()) {
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
