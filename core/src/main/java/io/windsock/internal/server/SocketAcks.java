package io.windsock.internal.server;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.internal.engine.EngineScheduler;
import io.windsock.server.DisconnectReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The acks a socket waits for, by ack id: its own {@code emitWithAck} calls (a future and a timer
 * each) and broadcasts with acks (a shared handler, whose single timer lives in the broadcast).
 * Thread-safe.
 *
 * <p>Own acks' futures are completed on the handler executor, not on the socket's serial executor: a
 * handler of this socket may block on such a future ({@code emitWithAck(...).get()}) while it holds
 * the serial executor, so completing there would wait for the handler that waits for it. For the same
 * reason the executor is the handler executor's completion lane ({@code HandlerExecutors.completions}),
 * which on the default pool needs no free thread of its bound: every thread may be such a handler. Stages
 * attached without an executor therefore run on a handler-pool thread, concurrently with the
 * socket's handlers; acks are not ordered with events (nor are they in Node, where an ack callback
 * runs whenever its packet is read).
 */
final class SocketAcks {
    private sealed interface Pending permits Single, Shared {
    }

    private record Single(CompletableFuture<List<Object>> future, EngineScheduler.Cancellable timer) implements Pending {
    }

    private record Shared(BroadcastAckHandler handler) implements Pending {
    }

    private static final int MIN_SWEEP = 32;

    private final Executor executor;
    /** Made on the first ack expected: many sockets never ask for one. */
    private volatile Map<Long, Pending> pending;
    /** Size at which the next broadcast registration drops the registrations of finished broadcasts. */
    private volatile int sweepAt = MIN_SWEEP;

    /** @param executor the handler executor's completion lane (never a network thread unless the application chose so) */
    SocketAcks(Executor executor) {
        this.executor = executor;
    }

    /**
     * Completes an own ack's future on the handler executor. If the executor refuses, completes it
     * here: a future that never completes would hang whoever waits for it.
     */
    void completeLater(CompletableFuture<List<Object>> future, List<Object> args, Throwable error) {
        Runnable completion = error == null ? () -> future.complete(args) : () -> future.completeExceptionally(error);
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            // Reachable: on Java 24+ the default VirtualThreadExecutor rethrows a refusal of the JDK's scheduler.
            completion.run();
        }
    }

    /**
     * Schedules an own ack's timeout on the session's thread, where its acks are read; but on the
     * shared timer when the emit is made on that very thread (a non-blocking handler, or handlers on
     * {@code Runnable::run}): a caller that then waits for the future holds the thread, so a timeout
     * scheduled there could never end the wait, which would hold every session of that loop for good.
     */
    static EngineScheduler.Cancellable scheduleTimeout(EngineScheduler scheduler, Runnable task, long timeoutMs) {
        if (!scheduler.inThread()) {
            return scheduler.schedule(task, timeoutMs, TimeUnit.MILLISECONDS);
        }
        // Saturated: a timeout of centuries, counted in milliseconds, need not fit in nanoseconds.
        long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
        ScheduledFuture<?> timer = Timers.schedule(task, Duration.ofNanos(nanos));
        return () -> timer.cancel(false);
    }

    private Map<Long, Pending> pending() {
        Map<Long, Pending> map = pending;
        if (map == null) {
            synchronized (this) {
                map = pending;
                if (map == null) {
                    map = new ConcurrentHashMap<>();
                    pending = map;
                }
            }
        }
        return map;
    }

    void expect(long ackId, CompletableFuture<List<Object>> future, EngineScheduler.Cancellable timer) {
        pending().put(ackId, new Single(future, timer));
    }

    /**
     * Gives an own ack registered without a timer its timer; if the ack was answered, timed out or
     * dropped meanwhile, cancels the timer instead.
     */
    void setTimer(long ackId, CompletableFuture<List<Object>> future, EngineScheduler.Cancellable timer) {
        if (!pending().replace(ackId, new Single(future, EngineScheduler.Cancellable.NONE), new Single(future, timer))) {
            timer.cancel();
        }
    }

    /** Registers a broadcast's ack; finished broadcasts' registrations are swept now and then. */
    void expect(long ackId, BroadcastAckHandler handler) {
        Map<Long, Pending> pending = pending();
        pending.put(ackId, new Shared(handler));
        if (pending.size() >= sweepAt) {
            pending.values().removeIf(p -> p instanceof Shared s && s.handler().isDone());
            sweepAt = Math.max(MIN_SWEEP, 2 * pending.size());
        }
    }

    /** @return the future of an own ack that timed out (now forgotten), or null if it was answered. */
    CompletableFuture<List<Object>> timedOut(long ackId) {
        Map<Long, Pending> pending = this.pending;
        if (pending == null) {
            return null;
        }
        // By id, not by value: its entry may have been given its timer (replaced) since the timer fired.
        // Only an own ack's entry is ever under its id, so nothing else can be removed here.
        if (!(pending.get(ackId) instanceof Single)) {
            return null;
        }
        return pending.remove(ackId) instanceof Single single ? single.future() : null;
    }

    /** The client acked. Any thread. */
    void onAck(long ackId, List<Object> args) {
        Map<Long, Pending> pending = this.pending;
        Pending p = pending == null ? null : pending.remove(ackId);
        if (p instanceof Single single) {
            single.timer().cancel();
            completeLater(single.future(), args, null);
        } else if (p instanceof Shared shared && !shared.handler().isDone()) {
            shared.handler().onAck(args);
        }
    }

    /** The socket left: own acks fail, broadcast registrations are dropped (the broadcast times out). */
    void closeAll(String socketId, DisconnectReason reason) {
        Map<Long, Pending> pending = this.pending;
        if (pending == null) {
            return;
        }
        for (Long ackId : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(ackId);
            if (p instanceof Single single) {
                single.timer().cancel();
                completeLater(single.future(), null,
                        new IllegalStateException("socket " + socketId + " disconnected: " + reason));
            }
        }
    }

    int size() {
        Map<Long, Pending> pending = this.pending;
        return pending == null ? 0 : pending.size();
    }
}
