package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.Windsock;
import io.windsock.Connections;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Middleware;
import io.windsock.server.Namespace;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Serving a namespace: registration fails fast, each client gets its own instance, one class per namespace. */
class ConnectionsTest {
    /** A namespace that only records its middlewares. */
    private static Namespace recordingNamespace(List<Middleware> middlewares) {
        return (Namespace) Proxy.newProxyInstance(Namespace.class.getClassLoader(), new Class<?>[]{Namespace.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "use" -> {
                        middlewares.add((Middleware) args[0]);
                        yield proxy;
                    }
                    case "onConnection" -> proxy; // serves recovered sockets that skip middlewares
                    case "name" -> "/test";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void eachClientGetsANewInstanceFromTheFactoryAfterOneProbe() throws Exception {
        List<Middleware> middlewares = new ArrayList<>();
        Namespace namespace = recordingNamespace(middlewares);
        AtomicInteger made = new AtomicInteger();
        List<BindingRulesTest.Recorder> instances = new ArrayList<>();
        Supplier<BindingRulesTest.Recorder> factory = () -> {
            made.incrementAndGet();
            BindingRulesTest.Recorder r = new BindingRulesTest.Recorder();
            instances.add(r);
            return r;
        };
        Connections.serve(namespace, factory);
        assertEquals(1, made.get(), "one probe at registration, to bind the class");
        assertEquals(1, middlewares.size());

        Fixtures.FakeSocket first = new Fixtures.FakeSocket();
        first.namespace = namespace;
        Fixtures.FakeSocket second = new Fixtures.FakeSocket();
        second.namespace = namespace;
        middlewares.get(0).handle(first.socket);
        middlewares.get(0).handle(second.socket);
        assertEquals(3, made.get());
        assertNotSame(instances.get(1), instances.get(2));
        assertNotNull(first.fallback);
        assertNotNull(first.onDisconnect);

        first.fallback.onEvent("add", Fixtures.json("[{\"a\": 1, \"b\": 2}]"), new Fixtures.RecordingAck(false));
        assertEquals(List.of(List.of(1, 2)), instances.get(1).calls);
        assertTrue(instances.get(2).calls.isEmpty());
    }

    @Test
    void withTheClassNamedTheFactoryIsFirstCalledWhenAClientJoins() throws Exception {
        List<Middleware> middlewares = new ArrayList<>();
        Namespace namespace = recordingNamespace(middlewares);
        AtomicInteger made = new AtomicInteger();
        Connections.serve(namespace, BindingRulesTest.Recorder.class, () -> {
            made.incrementAndGet();
            return new BindingRulesTest.Recorder();
        });
        assertEquals(0, made.get(), "no throwaway instance to learn the class");

        Fixtures.FakeSocket socket = new Fixtures.FakeSocket();
        socket.namespace = namespace;
        middlewares.get(0).handle(socket.socket);
        assertEquals(1, made.get());
        assertNotNull(socket.fallback);

        AtomicInteger calls = new AtomicInteger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Connections.serve(recordingNamespace(new ArrayList<>()), HandlerScannerTest.Duplicate.class, () -> {
                    calls.incrementAndGet();
                    return new HandlerScannerTest.Duplicate();
                }));
        assertTrue(e.getMessage().contains("two handlers for event 'go'"), e.getMessage());
        assertEquals(0, calls.get());
    }

    @Test
    void anUnbindableClassFailsAtRegistrationAndRegistersNothing() {
        List<Middleware> middlewares = new ArrayList<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Connections.serve(recordingNamespace(middlewares), HandlerScannerTest.Duplicate::new));
        assertTrue(e.getMessage().contains("two handlers for event 'go'"), e.getMessage());
        assertTrue(middlewares.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Connections.serve(recordingNamespace(middlewares), () -> null));
    }

    @Test
    void aNamespaceServesOneConnectionClass() {
        Namespace namespace = recordingNamespace(new ArrayList<>());
        Connections.serve(namespace, BindingRulesTest.Recorder::new);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Connections.serve(namespace, HooksTest.Messages::new));
        assertTrue(e.getMessage().contains("/test already serves a connection class"), e.getMessage());
    }

    @Test
    void aDynamicGroupAndItsNamespacesServeOneConnectionClassBetweenThem() {
        Windsock server = Windsock.builder().build();
        try {
            // A child copies the group's middlewares: served on its own too, each socket would get two instances.
            Connections.serve(server.of(Pattern.compile("/room-\\d+")), BindingRulesTest.Recorder::new);
            IllegalStateException child = assertThrows(IllegalStateException.class,
                    () -> Connections.serve(server.of("/room-1"), HooksTest.Messages::new));
            assertTrue(child.getMessage().contains("/room-1 belongs to the dynamic group /room-\\d+, which already"
                    + " serves a connection class"), child.getMessage());

            Connections.serve(server.of("/desk-1"), BindingRulesTest.Recorder::new); // no group yet: static
            Namespace desks = server.of(Pattern.compile("/desk-\\d+"));
            Connections.serve(server.of("/desk-2"), BindingRulesTest.Recorder::new); // a child of the group
            IllegalStateException group = assertThrows(IllegalStateException.class,
                    () -> Connections.serve(desks, HooksTest.Messages::new));
            assertTrue(group.getMessage().contains("/desk-2"), group.getMessage());
            assertTrue(group.getMessage().contains("the dynamic group /desk-\\d+ has a namespace that serves a"
                    + " connection class"), group.getMessage());
        } finally {
            server.stop();
        }
    }

    @Test
    void theBuilderBindsAtBuildAndServesTheNamedNamespace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Windsock.builder().connections("/", HandlerScannerTest.Misc::new).build());
        assertTrue(e.getMessage().contains("Misc.stat()"), e.getMessage());

        Windsock server = Windsock.builder().connections("/chat", BindingRulesTest.Recorder::new).build();
        try {
            assertThrows(IllegalStateException.class,
                    () -> Connections.serve(server.of("/chat"), BindingRulesTest.Recorder::new),
                    "the builder served /chat already");
            Connections.serve(server.of("/other"), BindingRulesTest.Recorder::new);
        } finally {
            server.stop();
        }
    }

    @Test
    void aConstructorReferenceToAClassWithSeveralConstructorsCompiles() {
        // The reason the builder method is named connections(...) and not namespace(...): this line
        // would be ambiguous against namespace(String, Consumer<Namespace>).
        Windsock server = Windsock.builder().connections("/", TwoConstructors::new).build();
        server.stop();
    }

    public static class TwoConstructors extends SocketConnection {
        public TwoConstructors() {
        }

        public TwoConstructors(Namespace namespace) {
        }
    }
}
