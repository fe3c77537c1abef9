package io.windsock.internal.dispatch;

import io.windsock.server.Namespace;
import java.lang.reflect.Proxy;

/** A namespace that takes a connection class's registration and nothing else: for tests of what registration checks. */
final class RegistrationNamespace {
    private RegistrationNamespace() {
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
