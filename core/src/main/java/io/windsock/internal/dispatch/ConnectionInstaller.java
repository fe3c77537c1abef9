package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.internal.log.LogSafe;
import io.windsock.internal.server.NamespaceImpl;
import io.windsock.internal.server.SocketIoServer;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a namespace with a connection class: one middleware per namespace creates the instance,
 * runs its {@code onOpen} and wires its events. See {@code io.windsock.connection.Connections}.
 */
public final class ConnectionInstaller {
    private static final Logger log = LoggerFactory.getLogger(ConnectionInstaller.class);
    /** Namespaces already served: a second class would see every event the first one also gets. */
    private static final Set<Namespace> SERVED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private ConnectionInstaller() {
    }

    /**
     * @throws IllegalArgumentException if the factory's class cannot be bound (the message lists every handler at fault)
     * @throws IllegalStateException if the namespace already serves a connection class
     */
    public static void install(Namespace namespace, Supplier<? extends SocketConnection> factory,
                               ConnectionOptions options) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        // A Supplier hides its class: one instance, never attached, tells it, so that a bad handler
        // fails here at startup rather than when the first client connects.
        SocketConnection probe = factory.get();
        if (probe == null) {
            throw new IllegalArgumentException("the connection factory for " + namespace.name() + " returned null");
        }
        ConnectionType.of(probe.getClass());
        if (!SERVED.add(namespace)) {
            throw new IllegalStateException("namespace " + namespace.name()
                    + " already serves a connection class; one per namespace");
        }
        namespace.use(socket -> open(socket, factory, options));
    }

    private static void open(Socket socket, Supplier<? extends SocketConnection> factory, ConnectionOptions options)
            throws Exception {
        SocketConnection connection = factory.get();
        if (connection == null) {
            throw new IllegalStateException("the connection factory for " + socket.namespace().name() + " returned null");
        }
        ConnectionType type = ConnectionType.of(connection.getClass());
        ObjectMapper mapper;
        ErrorHandler errors;
        if (socket.namespace() instanceof NamespaceImpl ns) {
            SocketIoServer server = ns.server();
            mapper = server.json().mapper();
            errors = server.errorHandler();
        } else { // a namespace of another implementation (tests): Jackson's defaults, errors logged
            mapper = DefaultsHolder.MAPPER;
            errors = (s, event, error) -> log.warn("socket {} event {}: {}", s == null ? null : s.id(), LogSafe.text(event),
                    error.toString(), error);
        }
        new ConnectionDriver(connection, socket, type, mapper, errors, options).open();
    }

    private static final class DefaultsHolder {
        static final ObjectMapper MAPPER = new JacksonJsonCodec().mapper();
    }
}
