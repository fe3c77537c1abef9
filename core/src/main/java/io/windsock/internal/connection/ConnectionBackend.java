package io.windsock.internal.connection;

import io.windsock.server.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@code SocketConnection} asks of the dispatcher that drives it. Defined apart from both, so
 * that the public connection package does not depend on the dispatcher's implementation (which
 * depends on it): the dispatcher implements this, the connection holds one.
 */
public interface ConnectionBackend {
    /** @return the connection's socket. */
    Socket socket();

    /** Emits on the socket (which holds the emit until its CONNECT reply while it connects). Any thread. */
    void emit(String event, Object... args);

    /** As {@link #emit}, dropped when the client cannot take it now (see {@code Socket.emitVolatile}). Any thread. */
    void emitVolatile(String event, Object... args);

    /** As {@link #emit}, with an acknowledgement. Any thread. */
    CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args);

    /** {@code SocketConnection.onEvent}'s default: the {@code @Event} handler. On the socket's executor. */
    Object dispatchDefault(String name, List<Object> args, Map<String, Object> kwargs) throws Exception;
}
