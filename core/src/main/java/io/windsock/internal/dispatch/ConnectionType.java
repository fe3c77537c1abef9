package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.SocketConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What dispatch needs to know about one {@link SocketConnection} subclass: its handlers by event
 * name and which hooks it overrides. Built once per class by {@link HandlerScanner} and cached
 * (a {@link ClassValue} keeps no class loader alive); immutable.
 */
final class ConnectionType {
    private static final ClassValue<ConnectionType> CACHE = new ClassValue<>() {
        @Override
        protected ConnectionType computeValue(Class<?> type) {
            // A failure is not cached: it propagates, and the next lookup scans again (and fails again).
            return HandlerScanner.scan(type.asSubclass(SocketConnection.class));
        }
    };

    /** Subclasses of a served class (proxies), by runtime class, then by the served class whose hooks count. */
    private static final ClassValue<Map<Class<?>, ConnectionType>> SUBCLASSES = new ClassValue<>() {
        @Override
        protected Map<Class<?>, ConnectionType> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>(2);
        }
    };

    private final Map<String, HandlerMethod> handlers;
    private final boolean overridesOnEvent;
    private final boolean overridesOnMessage;
    /** The events whose handlers are declared {@code @NonBlocking} (by the method or the class). */
    private final Set<String> nonBlocking;
    /** The class is {@code @NonBlocking}: its overridden {@code onEvent} / {@code onMessage} too. */
    private final boolean classNonBlocking;

    ConnectionType(Map<String, HandlerMethod> handlers, boolean overridesOnEvent, boolean overridesOnMessage,
                   Set<String> nonBlocking, boolean classNonBlocking) {
        this.handlers = Map.copyOf(handlers);
        this.overridesOnEvent = overridesOnEvent;
        this.overridesOnMessage = overridesOnMessage;
        this.nonBlocking = Set.copyOf(nonBlocking);
        this.classNonBlocking = classNonBlocking;
    }

    /**
     * @return the binding of this class, scanned on first use
     * @throws IllegalArgumentException listing every handler that cannot be bound
     */
    static ConnectionType of(Class<? extends SocketConnection> type) {
        return CACHE.get(type);
    }

    /**
     * @param type   the class of an instance the factory returned
     * @param served the class the namespace was served with, which {@code type} extends (a container's
     *               proxy does): its hooks decide the dispatch, whatever delegating overrides the proxy declares
     * @return the binding of {@code type}, scanned on first use
     * @throws IllegalArgumentException listing every handler that cannot be bound
     */
    static ConnectionType of(Class<? extends SocketConnection> type, Class<? extends SocketConnection> served) {
        if (type == served) {
            return of(type);
        }
        // The served class is a superclass of the key: the value holds nothing the key does not.
        return SUBCLASSES.get(type).computeIfAbsent(served, s -> HandlerScanner.scan(type, served));
    }

    /**
     * Checks that the application's mapper can build every handler parameter, and write every return
     * value an ack carries without a module it lacks: which types it can handle depends on its modules
     * and mix-ins, so this runs when a namespace is served, not in the mapper-independent scan.
     *
     * @throws IllegalArgumentException listing every parameter the mapper can never build and every
     *                                  return type it can never write
     */
    void requireMapperSupport(Class<?> type, ObjectMapper mapper) {
        List<String> problems = new ArrayList<>();
        for (HandlerMethod handler : handlers.values()) {
            problems.addAll(handler.undeserializable(mapper));
            String returned = handler.unserializableReturn(mapper);
            if (returned != null) {
                problems.add(returned);
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(null); // stable messages: the handler map has no order
            throw new IllegalArgumentException("cannot bind the events of " + type.getName() + ":\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** @return the handler of an event, or null. */
    HandlerMethod handler(String event) {
        return handlers.get(event);
    }

    Map<String, HandlerMethod> handlers() {
        return handlers;
    }

    /** @return whether the code that handles the event is declared non-blocking (see {@code @NonBlocking}). */
    boolean isNonBlocking(String event) {
        if (overridesOnEvent || overridesOnMessage && "message".equals(event)) {
            return classNonBlocking;
        }
        return nonBlocking.contains(event);
    }

    boolean overridesOnEvent() {
        return overridesOnEvent;
    }

    boolean overridesOnMessage() {
        return overridesOnMessage;
    }
}
