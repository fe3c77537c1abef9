package io.windsock.server;

import java.util.List;

/**
 * Handles one event from a client in the functional style ({@code socket.on("name", (args, ack) -> ...)}).
 *
 * <p>Arguments are plain JSON values ({@code Map}, {@code List}, {@code String}, {@code Number},
 * {@code Boolean}, {@code null}) and {@code byte[]} for binary. Runs on the connection's serial
 * executor, never on a network thread; blocking is allowed. An exception, or an {@code Error} such
 * as an {@code AssertionError}, is reported to the server's {@link ErrorHandler}, and the event's
 * other listeners still run. A listener wrapped with {@link #nonBlocking} may run on the network
 * thread instead.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(List<Object> args, Ack ack) throws Exception;

    /**
     * @return whether this listener never blocks and may run on the connection's network thread (see
     *         {@link #nonBlocking}); false unless made by {@link #nonBlocking}
     */
    default boolean isNonBlocking() {
        return false;
    }

    /**
     * Declares that a listener never blocks, as {@code @NonBlocking} does for a connection class's
     * handler: {@code socket.on("echo", EventListener.nonBlocking((args, ack) -> ack.send(args.get(0))))}.
     * An event then runs on the connection's event loop, without the hand-off to the handler executor,
     * when every listener it reaches is non-blocking (its own listeners, or else the fallback; no
     * {@link Socket#use middleware} and no {@link Socket#onAny catch-all listener} registered) and
     * nothing of the socket is queued or running on the executor; otherwise it is queued and runs there,
     * in order. A listener that blocks anyway stalls every connection of that event loop while it blocks;
     * it must not wait for a future either (an {@code emitWithAck} answer is read by the thread that waits).
     *
     * @return a listener that calls {@code listener} and reports {@link #isNonBlocking()} true
     */
    static EventListener nonBlocking(EventListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        return new EventListener() {
            @Override
            public void onEvent(List<Object> args, Ack ack) throws Exception {
                listener.onEvent(args, ack);
            }

            @Override
            public boolean isNonBlocking() {
                return true;
            }
        };
    }
}
