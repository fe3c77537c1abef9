package io.windsock.connection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link SocketConnection} as the handler of a client event.
 *
 * <pre>{@code
 * @Event                      // event "hello", from the method's name
 * public void hello(String name) { ... }
 *
 * @Event("join room")         // an explicit name (any string socket.io allows)
 * public String join(String room) { return "ok"; }
 * }</pre>
 *
 * <p>Handlers declared in superclasses count. A subclass that overrides an annotated method
 * replaces it (annotate the override again or not: the override is what runs). Two handlers for
 * one name, a reserved name ({@code connect}, {@code connect_error}, {@code disconnect},
 * {@code disconnecting}, {@code newListener}, {@code removeListener}), a static or generic method, or
 * a signature that cannot be bound fail at registration with a message naming the method. How the
 * event's arguments bind to the parameters is described in {@link SocketConnection}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Event {
    /** @return the event name; empty (the default) means the method's name. */
    String value() default "";
}
