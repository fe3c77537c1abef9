package io.windsock.server;

import java.util.List;

/**
 * Handles one event from a client in the functional style ({@code socket.on("name", (args, ack) -> ...)}).
 *
 * <p>Arguments are plain JSON values ({@code Map}, {@code List}, {@code String}, {@code Number},
 * {@code Boolean}, {@code null}) and {@code byte[]} for binary. Runs on the connection's serial
 * executor, never on a network thread; blocking is allowed. An exception is reported to the
 * server's {@link ErrorHandler}.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(List<Object> args, Ack ack) throws Exception;
}
