package io.windsock.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Opens one Redis connection, trying again with a growing delay (0.1 s doubling up to 5 s) until it
 * opens or {@link #cancel()} is called. Lettuce reconnects a connection that was open once by itself,
 * but gives up on one whose first attempt fails: without this, a node started while Redis is away would
 * never join the cluster. The first failure is logged at WARN, the connection at INFO.
 *
 * @param <C> the connection type
 */
public final class ConnectRetry<C extends StatefulConnection<?, ?>> {
    static final long FIRST_DELAY_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 5_000;
    private static final Logger log = Loggers.REDIS;

    private final String description;
    private final Supplier<CompletableFuture<C>> connect;
    private final ScheduledExecutorService scheduler;
    private final Runnable onFirstFailure;
    private final CompletableFuture<C> opened = new CompletableFuture<>();
    private int failures;

    /**
     * Starts the first attempt at once.
     *
     * @param description what connects to what, for the log ("publisher to redis://...")
     * @param scheduler   where the next attempts wait (Lettuce's event executors)
     * @param onFirstFailure runs once, when the first attempt failed
     */
    public ConnectRetry(String description, Supplier<CompletableFuture<C>> connect, ScheduledExecutorService scheduler,
                        Runnable onFirstFailure) {
        this.description = description;
        this.connect = connect;
        this.scheduler = scheduler;
        this.onFirstFailure = onFirstFailure;
        attempt();
    }

    /** @return completes with the connection once it opens; fails only when cancelled first */
    public CompletableFuture<C> opened() {
        return opened;
    }

    /** Stops trying: {@link #opened()} fails if it has not completed; a connection opening later is closed. */
    public void cancel() {
        opened.completeExceptionally(new IllegalStateException("closed before Redis could be reached"));
    }

    private void attempt() {
        if (opened.isDone()) {
            return;
        }
        CompletableFuture<C> attempt;
        try {
            attempt = connect.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((connection, error) -> {
            if (error == null) {
                if (!opened.complete(connection)) {
                    connection.closeAsync(); // cancelled meanwhile
                } else if (failures > 0) {
                    log.info("the Redis {} is connected after {} failed attempts", description, failures);
                }
                return;
            }
            failures++;
            if (failures == 1) {
                log.warn("connecting the Redis {} failed ({}); trying again until it answers (messages to other nodes "
                        + "are dropped meanwhile)", description, error.getMessage());
                onFirstFailure.run();
            } else {
                log.debug("connecting the Redis {} failed again ({})", description, error.getMessage());
            }
            retryLater();
        });
    }

    private void retryLater() {
        long delay = Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << Math.min(failures - 1, 16));
        try {
            scheduler.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the client's executors shut down: nobody can use this connection any more
            opened.completeExceptionally(e);
        }
    }
}
