package io.windsock.internal.dispatch;

import io.windsock.connection.SocketConnection;
import io.windsock.internal.connection.ConnectionBackend;
import io.windsock.server.DisconnectReason;
import io.windsock.server.Handshake;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;

/**
 * Reaches the non-public parts of {@link SocketConnection}: its driver field and its protected
 * hooks. They stay out of the public API (users override the hooks; only the dispatcher calls them),
 * so this package gets at them through a private lookup, which works because both live in core.
 */
final class ConnectionAccess {
    private static final VarHandle DRIVER;
    private static final MethodHandle ON_OPEN;
    private static final MethodHandle ON_MESSAGE;
    private static final MethodHandle ON_EVENT;
    private static final MethodHandle ON_CLOSE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(SocketConnection.class, MethodHandles.lookup());
            DRIVER = lookup.findVarHandle(SocketConnection.class, "driver", ConnectionBackend.class);
            // findVirtual: the subclass's override is what runs.
            ON_OPEN = lookup.findVirtual(SocketConnection.class, "onOpen",
                    MethodType.methodType(boolean.class, Handshake.class));
            ON_MESSAGE = lookup.findVirtual(SocketConnection.class, "onMessage",
                    MethodType.methodType(void.class, Object.class));
            ON_EVENT = lookup.findVirtual(SocketConnection.class, "onEvent",
                    MethodType.methodType(Object.class, String.class, List.class, Map.class));
            ON_CLOSE = lookup.findVirtual(SocketConnection.class, "onClose",
                    MethodType.methodType(void.class, DisconnectReason.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ConnectionAccess() {
    }

    /** Attaches a fresh connection to its driver; a connection is attached once, for life. */
    static void attach(SocketConnection connection, ConnectionDriver driver) {
        if (!DRIVER.compareAndSet(connection, (ConnectionBackend) null, driver)) {
            throw new IllegalStateException(connection.getClass().getName()
                    + " instance is already attached: the factory must return a new instance per client");
        }
    }

    /**
     * Moves a connection to another backend (connection state recovery): to an {@link AwaySocket}
     * when its socket left and it is kept, to the driver of its recovered socket when it is taken back.
     */
    static void reattach(SocketConnection connection, ConnectionBackend backend) {
        DRIVER.setVolatile(connection, backend);
    }

    static boolean onOpen(SocketConnection connection, Handshake handshake) throws Throwable {
        return (boolean) ON_OPEN.invokeExact(connection, handshake);
    }

    static void onMessage(SocketConnection connection, Object message) throws Throwable {
        ON_MESSAGE.invokeExact(connection, message);
    }

    static Object onEvent(SocketConnection connection, String name, List<Object> args, Map<String, Object> kwargs)
            throws Throwable {
        return ON_EVENT.invokeExact(connection, name, args, kwargs);
    }

    static void onClose(SocketConnection connection, DisconnectReason reason) throws Throwable {
        ON_CLOSE.invokeExact(connection, reason);
    }
}
