package io.windsock.connection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that an {@link Event} handler never blocks, so that it may run on the connection's network
 * thread (its Netty event loop) instead of being handed to the handler executor. On a connection class
 * it applies to every {@code @Event} handler the class has, inherited ones included, in it and in its
 * subclasses (and to an overridden {@link SocketConnection#onEvent onEvent} or
 * {@link SocketConnection#onMessage onMessage}); the hooks
 * {@code onOpen} and {@code onClose} always run on the handler executor. As for {@code @Event}, an
 * override annotated {@code @Event} again decides for itself; one that is not keeps the annotations of
 * the method it overrides.
 *
 * <pre>{@code
 * @Event @NonBlocking
 * public String echo(String text) { return text; }
 * }</pre>
 *
 * <p>Order is kept: an event runs on the network thread only when nothing of its connection is queued
 * or running on the handler executor; otherwise it is queued behind the earlier events and runs there,
 * like any handler. Either way a connection's handlers run one at a time, in arrival order.
 *
 * <p>The contract: the handler returns quickly and never waits, for I/O, a lock held long, a
 * {@code sleep}, or a future (the answer to an {@code emitWithAck} included: it would never come, as it
 * is read by the very thread that waits). A handler that blocks anyway stalls every connection served by
 * that event loop, their reads, writes and heartbeats, for as long as it blocks. Returning a
 * {@link java.util.concurrent.CompletionStage} is the way to answer later.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NonBlocking {
}
