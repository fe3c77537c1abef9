package io.windsock.internal.server;

import io.windsock.adapter.BroadcastAckHandler;
import io.windsock.engine.EngineScheduler;
import io.windsock.server.DisconnectReason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The acks a socket waits for, by ack id: its own {@code emitWithAck} calls (a future and a timer
 * each) and broadcasts with acks (a shared handler, whose single timer lives in the broadcast).
 * Thread-safe. Futures are completed on the socket's executor.
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
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Size at which the next broadcast registration drops the registrations of finished broadcasts. */
    private volatile int sweepAt = MIN_SWEEP;

    SocketAcks(Executor executor) {
        this.executor = executor;
    }

    void expect(long ackId, CompletableFuture<List<Object>> future, EngineScheduler.Cancellable timer) {
        pending.put(ackId, new Single(future, timer));
    }

    /** Registers a broadcast's ack; finished broadcasts' registrations are swept now and then. */
    void expect(long ackId, BroadcastAckHandler handler) {
        pending.put(ackId, new Shared(handler));
        if (pending.size() >= sweepAt) {
            pending.values().removeIf(p -> p instanceof Shared s && s.handler().isDone());
            sweepAt = Math.max(MIN_SWEEP, 2 * pending.size());
        }
    }

    /** @return the future of an own ack that timed out (now forgotten), or null if it was answered. */
    CompletableFuture<List<Object>> timedOut(long ackId) {
        Pending p = pending.get(ackId);
        return p instanceof Single single && pending.remove(ackId, p) ? single.future() : null;
    }

    /** The client acked. Any thread. */
    void onAck(long ackId, List<Object> args) {
        Pending p = pending.remove(ackId);
        if (p instanceof Single single) {
            single.timer().cancel();
            executor.execute(() -> single.future().complete(args));
        } else if (p instanceof Shared shared && !shared.handler().isDone()) {
            shared.handler().onAck(args);
        }
    }

    /** The socket left: own acks fail, broadcast registrations are dropped (the broadcast times out). */
    void closeAll(String socketId, DisconnectReason reason) {
        for (Long ackId : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(ackId);
            if (p instanceof Single single) {
                single.timer().cancel();
                executor.execute(() -> single.future().completeExceptionally(
                        new IllegalStateException("socket " + socketId + " disconnected: " + reason)));
            }
        }
    }

    int size() {
        return pending.size();
    }
}
