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
    /**
     * Namespaces and dynamic groups already served: a second class would see every event the first
     * one also gets. Guarded by itself, with {@link #GROUPS_WITH_SERVED_NAMESPACE}.
     */
    private static final Map<Namespace, WeakReference<ServedNamespace>> SERVED = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Dynamic groups one of whose namespaces was served on its own, with that namespace's name. A
     * namespace starts with a copy of its group's middlewares, the connection class's among them: a
     * group and its namespaces serve one class between them, or a socket would get an instance of each.
     */
    private static final Map<Namespace, String> GROUPS_WITH_SERVED_NAMESPACE = new WeakHashMap<>();

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
        ConnectionType.of(connectionClass).requireMapperSupport(connectionClass, mapperOf(namespace));
        ServedNamespace served = new ServedNamespace(type, connectionClass, factory, options);
        DynamicNamespaces group = namespace instanceof NamespaceImpl ns ? ns.group() : null;
        synchronized (SERVED) {
            if (SERVED.containsKey(namespace)) {
                throw new IllegalStateException("namespace " + namespace.name()
                        + " already serves a connection class; one per namespace");
            }
            if (group != null && SERVED.containsKey(group)) {
                throw new IllegalStateException("namespace " + namespace.name() + " belongs to the dynamic group "
                        + group.name() + ", which already serves a connection class: its instances open for this"
                        + " namespace's sockets too; one class per group and its namespaces");
            }
            String servedChild = GROUPS_WITH_SERVED_NAMESPACE.get(namespace);
            if (servedChild != null) {
                throw new IllegalStateException("the dynamic group " + namespace.name() + " has a namespace that serves a"
                        + " connection class (" + servedChild + "); one class per group and its namespaces");
            }
            // Weakly: the namespace holds what serves it, which may hold the namespace (a weak key's value must not).
            SERVED.put(namespace, new WeakReference<>(served));
            if (group != null) {
                GROUPS_WITH_SERVED_NAMESPACE.putIfAbsent(group, namespace.name());
            }
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
