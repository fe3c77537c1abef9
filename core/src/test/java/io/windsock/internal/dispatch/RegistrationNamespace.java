package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Namespace;
import java.lang.reflect.Proxy;

/** A namespace that takes a connection class's registration and nothing else: for tests of what registration checks. */
final class RegistrationNamespace {
    private RegistrationNamespace() {
    }

    /** Registers a connection class on a namespace of its own, as serving it would. */
    static void register(Class<? extends SocketConnection> type) {
        ConnectionInstaller.install(named("/test"), type, () -> null, ConnectionOptions.DEFAULT);
    }

    /** @return the message of the exception that refuses registering this class (fails if it registers) */
    static String refusal(Class<? extends SocketConnection> type) {
        return assertThrows(IllegalArgumentException.class, () -> register(type)).getMessage();
    }

    /** @return a namespace named {@code name} whose {@code use} and {@code onConnection} do nothing */
    static Namespace named(String name) {
        return (Namespace) Proxy.newProxyInstance(Namespace.class.getClassLoader(), new Class<?>[]{Namespace.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "use", "onConnection" -> proxy;
                    case "name" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
