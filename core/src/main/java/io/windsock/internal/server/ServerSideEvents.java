package io.windsock.internal.server;

import io.windsock.internal.exec.SerialExecutor;
import io.windsock.internal.log.LogSafe;
import io.windsock.server.Ack;
import io.windsock.server.EventListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A namespace's events from other nodes of a cluster ({@code serverSideEmit}): their listeners run on
 * the handler executor one at a time, in arrival order, as Node runs them on its one thread. Another
 * node, or anyone who can publish on the cluster's channels, sends them at any rate, and a listener
 * may be slow: at most {@link #MAX_WAITING} wait; past that they are dropped (an ack asked for is then
 * never sent: the sender times out) with a WARN, rate-limited. One per namespace.
 */
final class ServerSideEvents {
    static final int MAX_WAITING = 10_000;

    private final SocketIoServer server;
    private final String namespace;
    private final SerialExecutor executor;
    private final AtomicInteger waiting = new AtomicInteger();

    ServerSideEvents(SocketIoServer server, String namespace) {
        this.server = server;
        this.namespace = namespace;
        this.executor = new SerialExecutor(server.executor());
    }

    /** Any thread (the cluster adapter's). */
    void received(String event, EventListener listener, List<Object> args, Ack ack) {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            server.warnings().warn("server-side-events", "namespace {}: {} events from other nodes wait for their "
                    + "listeners (one is slow or blocked): '{}' dropped", namespace, MAX_WAITING, LogSafe.text(event));
            return;
        }
        executor.execute(() -> {
            try {
                listener.onEvent(args, ack);
            } catch (Exception e) {
                server.errorHandler().onError(null, event, e);
            } finally {
                waiting.decrementAndGet();
            }
        });
    }
}
