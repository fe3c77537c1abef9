package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.server.DynamicNamespaces;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.server.Namespace;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Serves a namespace with a connection class: a middleware and a connection listener per namespace
 * (see {@link ServedNamespace}) create or recover the instance, run its {@code onOpen} and wire its
 * events. See {@code io.windsock.Connections}.
 */
public final class ConnectionInstaller {
    /** Namespaces already served: a second class would see every event the first one also gets. */
    private static final Map<Namespace, WeakReference<ServedNamespace>> SERVED = Collections.synchronizedMap(new WeakHashMap<>());

    private ConnectionInstaller() {
    }

    /** @return what serves the namespace with a connection class, or null (for tests). */
    static ServedNamespace served(Namespace namespace) {
        WeakReference<ServedNamespace> served = SERVED.get(namespace);
        return served == null ? null : served.get();
    }

    /**
     * @throws IllegalArgumentException if the factory's class cannot be bound (the message lists every handler at fault)
     * @throws IllegalStateException if the namespace already serves a connection class
     */
    public static void install(Namespace namespace, Supplier<? extends SocketConnection> factory,
                               ConnectionOptions options) {
        install(namespace, null, factory, options);
    }

    /**
     * As {@link #install(Namespace, Supplier, ConnectionOptions)}; with {@code type} given, the factory
     * is not called until a client joins (a dependency-injection container is not asked for an
     * instance it would throw away).
     */
    public static void install(Namespace namespace, Class<? extends SocketConnection> type,
                               Supplier<? extends SocketConnection> factory, ConnectionOptions options) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        Class<? extends SocketConnection> connectionClass;
        if (type != null) {
            connectionClass = type;
        } else {
            // A Supplier hides its class: one instance, never attached, tells it, so that a bad handler
            // fails here at startup rather than when the first client connects.
            SocketConnection probe = factory.get();
            if (probe == null) {
                throw new IllegalArgumentException("the connection factory for " + namespace.name() + " returned null");
            }
            connectionClass = probe.getClass();
        }
        ConnectionType.of(connectionClass).requireDeserializable(connectionClass, mapperOf(namespace));
        ServedNamespace served = new ServedNamespace(type, connectionClass, factory, options);
        // Weakly: the namespace holds what serves it, which may hold the namespace (a weak key's value must not).
        if (SERVED.putIfAbsent(namespace, new WeakReference<>(served)) != null) {
            throw new IllegalStateException("namespace " + namespace.name()
                    + " already serves a connection class; one per namespace");
        }
        namespace.use(served::admit);
        namespace.onConnection(served::connected);
    }

    /** The mapper events of this namespace (a dynamic group: of its namespaces) convert with, as {@link ServedNamespace} picks it. */
    private static ObjectMapper mapperOf(Namespace namespace) {
        if (namespace instanceof NamespaceImpl ns) {
            return ns.server().json().mapper();
        }
        if (namespace instanceof DynamicNamespaces group) {
            return group.server().json().mapper();
        }
        return DefaultMapper.MAPPER; // a namespace of another implementation (tests): Jackson's defaults
    }

    private static final class DefaultMapper {
        static final ObjectMapper MAPPER = new JacksonJsonCodec().mapper();
    }
}
