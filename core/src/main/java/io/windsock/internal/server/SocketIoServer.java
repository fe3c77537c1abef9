package io.windsock.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.engine.EngineSession;
import io.windsock.engine.protocol.EnginePacket;
import io.windsock.internal.json.JacksonJsonCodec;
import io.windsock.protocol.SocketPacket;
import io.windsock.protocol.SocketPacketEncoder;
import io.windsock.server.ClientError;
import io.windsock.server.ErrorHandler;
import io.windsock.server.Namespace;
import io.windsock.server.NamespaceMatcher;
import io.windsock.server.WindsockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO layer's root: namespaces (static and dynamic), the shared codec, executor and error
 * hook. It turns each new Engine.IO session into a {@link Client}.
 */
public final class SocketIoServer {
    private static final Logger log = LoggerFactory.getLogger(SocketIoServer.class);

    private final WindsockOptions options;
    private final JacksonJsonCodec json;
    private final SocketPacketEncoder encoder;
    private final Executor executor;
    private final ErrorHandler errorHandler;
    private final Map<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final List<DynamicNamespaces> dynamic = new CopyOnWriteArrayList<>();

    public SocketIoServer(WindsockOptions options, Executor executor) {
        this.options = options;
        this.json = new JacksonJsonCodec(options.objectMapper() == null ? new ObjectMapper() : options.objectMapper(),
                options.limits());
        this.encoder = new SocketPacketEncoder(json);
        this.executor = executor;
        this.errorHandler = options.errorHandler() != null ? options.errorHandler() : SocketIoServer::logError;
    }

    public WindsockOptions options() {
        return options;
    }

    public JacksonJsonCodec json() {
        return json;
    }

    /** @return the Engine.IO packets of a Socket.IO packet: its text, then its binary attachments. */
    List<EnginePacket> encode(SocketPacket packet) {
        SocketPacketEncoder.Encoded encoded = encoder.encode(packet);
        if (!encoded.isBinary()) {
            return List.of(EnginePacket.message(encoded.text()));
        }
        List<EnginePacket> packets = new ArrayList<>(1 + encoded.attachments().size());
        packets.add(EnginePacket.message(encoded.text()));
        for (byte[] attachment : encoded.attachments()) {
            packets.add(EnginePacket.message(attachment));
        }
        return packets;
    }

    public Executor executor() {
        return executor;
    }

    /** Reports an error seen on a network thread; the hook runs on the handler executor, never there. */
    void reportError(io.windsock.server.Socket socket, String event, Throwable error) {
        executor.execute(() -> errorHandler.onError(socket, event, error));
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /** Called on the session's thread right after an Engine.IO handshake. */
    public void onEngineConnection(EngineSession session) {
        new Client(this, session).start();
    }

    /** @return the static namespace with this name, created if needed. */
    public NamespaceImpl of(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        return namespaces.computeIfAbsent(normalized, n -> new NamespaceImpl(this, n));
    }

    /** Registers a dynamic namespace group. */
    public Namespace of(NamespaceMatcher matcher, String description) {
        DynamicNamespaces group = new DynamicNamespaces(this, matcher, description);
        dynamic.add(group);
        return group;
    }

    /** @return the namespace a client may join under this name, creating a dynamic one if allowed, else null. */
    NamespaceImpl resolve(String name, Map<String, Object> auth) {
        NamespaceImpl existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        for (DynamicNamespaces group : dynamic) {
            boolean matches;
            try {
                matches = group.matcher().matches(name, auth == null ? Map.of() : auth);
            } catch (RuntimeException e) {
                reportError(null, null, e);
                matches = false;
            }
            if (matches) {
                return namespaces.computeIfAbsent(name, n -> group.create(n));
            }
        }
        return null;
    }

    /** Closes every namespace's adapter (the server stopped). */
    public void closeAdapters() {
        for (NamespaceImpl namespace : namespaces.values()) {
            try {
                namespace.adapter().close();
            } catch (RuntimeException e) {
                log.warn("closing the adapter of {} failed", namespace.name(), e);
            }
        }
    }

    private static void logError(io.windsock.server.Socket socket, String event, Throwable error) {
        String where = socket == null ? "" : " (socket " + socket.id() + " in " + socket.namespace().name()
                + (event == null ? "" : ", event '" + event + "'") + ")";
        if (error instanceof ClientError) {
            log.warn("{}{}", error.getMessage(), where);
        } else {
            log.error("handler failed{}", where, error);
        }
    }
}
