package io.windsock.internal.dispatch;

import io.windsock.connection.SocketConnection;
import java.util.Map;

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

    private final Map<String, HandlerMethod> handlers;
    private final boolean overridesOnEvent;
    private final boolean overridesOnMessage;

    ConnectionType(Map<String, HandlerMethod> handlers,
                   boolean overridesOnEvent, boolean overridesOnMessage) {
        this.handlers = Map.copyOf(handlers);
        this.overridesOnEvent = overridesOnEvent;
        this.overridesOnMessage = overridesOnMessage;
    }

    /**
     * @return the binding of this class, scanned on first use
     * @throws IllegalArgumentException listing every handler that cannot be bound
     */
    static ConnectionType of(Class<? extends SocketConnection> type) {
        return CACHE.get(type);
    }

    /** @return the handler of an event, or null. */
    HandlerMethod handler(String event) {
        return handlers.get(event);
    }

    Map<String, HandlerMethod> handlers() {
        return handlers;
    }

    boolean overridesOnEvent() {
        return overridesOnEvent;
    }

    boolean overridesOnMessage() {
        return overridesOnMessage;
    }
}
