package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Ack;
import io.windsock.server.Socket;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration: which methods become handlers, under which names, and which signatures fail, naming the method. */
class HandlerScannerTest {
    public static class Base extends SocketConnection {
        final StringBuilder log = new StringBuilder();

        @Event
        public void hello(String name) {
            log.append("base-hello ");
        }

        @Event("base event")
        public void renamedInSubclass() {
            log.append("base-renamed ");
        }

        @Event
        public void inherited() {
            log.append("base-inherited ");
        }
    }

    public static class Sub extends Base {
        @Override
        public void hello(String name) { // no annotation: still the handler of "hello", and this body runs
            log.append("sub-hello ");
        }

        @Override
        @Event("sub event")
        public void renamedInSubclass() {
            log.append("sub-renamed ");
        }

        @Event
        public CompletableFuture<String> own() {
            return CompletableFuture.completedFuture("x");
        }
    }

    @Test
    void handlersAreNamedByMethodOrAnnotationAndInheritedOnesCount() {
        ConnectionType type = ConnectionType.of(Sub.class);
        assertEquals(Set.of("hello", "sub event", "inherited", "own"), type.handlers().keySet());
        assertFalse(type.overridesOnEvent());
        assertFalse(type.overridesOnMessage());
    }

    @Test
    void anOverrideIsWhatRuns() throws Exception {
        Fixtures.Wired<Sub> wired = new Fixtures.Wired<>(new Sub()).open();
        wired.fire("hello", "[\"x\"]");
        wired.fire("sub event", "[]");
        wired.fire("inherited", "[]");
        assertEquals("sub-hello sub-renamed base-inherited ", wired.connection.log.toString());
        assertTrue(wired.errors.reports.isEmpty());
    }

    @Test
    void theCacheReturnsOneBindingPerClass() {
        assertTrue(ConnectionType.of(Sub.class) == ConnectionType.of(Sub.class));
    }

    public static class Generic<T> extends SocketConnection {
        T last;

        @Event
        public void put(T value) {
            last = value;
        }
    }

    public static class Strings extends Generic<String> {
    }

    @Test
    void typeVariablesOfTheClassResolveAgainstTheSubclass() throws Exception {
        HandlerMethod put = ConnectionType.of(Strings.class).handler("put");
        assertEquals("put(String value)", put.signature());
        Fixtures.Wired<Strings> wired = new Fixtures.Wired<>(new Strings()).open();
        wired.fire("put", "[{\"value\": \"named\"}]");
        assertEquals("named", wired.connection.last);
    }

    @Test
    void signaturesShowSimpleTypeNames() {
        HandlerMethod typed = ConnectionType.of(BindingRulesTest.Recorder.class).handler("typed");
        assertEquals("typed(List<Integer> numbers, BindingRulesTest.Color color, long big, double ratio)", typed.signature());
        assertEquals("upload(String name, byte[] data)",
                ConnectionType.of(BindingRulesTest.Recorder.class).handler("upload").signature());
    }

    // ---- failures name the method ----

    public static class Duplicate extends SocketConnection {
        @Event("go")
        public void first() {
        }

        @Event("go")
        public void second(int n) {
        }
    }

    public static class Reserved extends SocketConnection {
        @Event
        public void disconnect() {
        }
    }

    public static class Misc extends SocketConnection {
        @Event
        public static void stat() {
        }

        @Event
        public <T> void gen(T value) {
        }

        @Event
        public void twoAcks(Ack a, Ack b) {
        }

        @Event
        public String ackAndReturn(Ack ack) {
            return "x";
        }

        @Event
        public void socketParam(Socket socket) {
        }

    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes(@JsonSubTypes.Type(value = Circle.class, name = "circle"))
    public interface Shape {
    }

    public record Circle(int r) implements Shape {
    }

    public static class Polymorphic extends SocketConnection {
        Shape last;

        @Event
        public void draw(Shape shape) {
            last = shape;
        }
    }

    public static class MessageTwice extends SocketConnection {
        @Override
        protected void onMessage(Object message) {
        }

        @Event("message")
        public void message(String text) {
        }
    }

    private static String failure(Class<? extends SocketConnection> type) {
        return assertThrows(IllegalArgumentException.class, () -> ConnectionType.of(type)).getMessage();
    }

    @Test
    void twoHandlersForOneNameFailNamingBoth() {
        String message = failure(Duplicate.class);
        assertTrue(message.contains("two handlers for event 'go': Duplicate.first() and Duplicate.second(int)"), message);
    }

    @Test
    void aReservedNameFails() {
        assertTrue(failure(Reserved.class).contains("Reserved.disconnect(): 'disconnect' is reserved by socket.io"));
    }

    @Test
    void everyUnbindableHandlerIsListedInOneFailure() {
        String message = failure(Misc.class);
        assertTrue(message.startsWith("cannot bind the events of " + Misc.class.getName() + ":"), message);
        assertTrue(message.contains("Misc.stat(): a handler must be an instance method"), message);
        assertTrue(message.contains("Misc.gen(Object): a handler cannot be a generic method"), message);
        assertTrue(message.contains("Misc.twoAcks(Ack, Ack): more than one Ack parameter"), message);
        assertTrue(message.contains("Misc.ackAndReturn(Ack): a handler with an Ack parameter acknowledges itself"
                + " and must return void"), message);
        assertTrue(message.contains("Misc.socketParam(Socket): parameter 1 is a Socket, which no client sends;"
                + " use socket()"), message);
        assertEquals(5, message.lines().filter(l -> l.startsWith("  - ")).count(), message);
    }

    @Test
    void anAbstractTypeThatJacksonIsToldAboutBinds() throws Exception {
        Fixtures.Wired<Polymorphic> wired = new Fixtures.Wired<>(new Polymorphic()).open();
        wired.fire("draw", "[{\"@type\": \"circle\", \"r\": 3}]");
        assertEquals(new Circle(3), wired.connection.last);
    }

    @Test
    void onMessageAndAMessageHandlerTogetherFail() {
        assertTrue(failure(MessageTwice.class).contains("both onMessage(Object) and MessageTwice.message(String)"));
    }

    static class Middle extends SocketConnection {
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) {
            return null;
        }
    }

    static class Leaf extends Middle {
    }

    @Test
    void hooksOverriddenInASuperclassCount() {
        assertTrue(ConnectionType.of(Leaf.class).overridesOnEvent());
    }

    private static final class PrivateNested extends SocketConnection {
        int got;

        @Event
        private void secret(int n) {
            got = n;
        }
    }

    @Test
    void nonPublicHandlersInNonPublicClassesBind() throws Exception {
        Fixtures.Wired<PrivateNested> wired = new Fixtures.Wired<>(new PrivateNested()).open();
        wired.fire("secret", "[{\"n\": 4}]");
        assertEquals(4, wired.connection.got);
    }

    /**
     * A class compiled without {@code -parameters} has no parameter names: its handlers bind by
     * position only, and one object arrives as the first argument.
     */
    @Test
    void withoutParameterNamesBindingIsPositionalOnly(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("p/NoNames.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package p;
                public class NoNames extends io.windsock.connection.SocketConnection {
                    public final java.util.List<Object> got = new java.util.ArrayList<>();
                    @io.windsock.connection.Event
                    public void add(int a, int b) { got.add(a + b); }
                    @io.windsock.connection.Event
                    public void one(String name) { got.add(name); }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-classpath", Fixtures.compileClassPath(),
                "-d", dir.toString(), source.toString());
        assertEquals(0, status, "compiles");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            Class<? extends SocketConnection> type = (Class<? extends SocketConnection>) loader.loadClass("p.NoNames");
            ConnectionType bound = ConnectionType.of(type);
            assertFalse(bound.handler("add").bindsByName());
            assertEquals("add(int, int)", bound.handler("add").signature());
            SocketConnection connection = type.getDeclaredConstructor().newInstance();
            Fixtures.Wired<SocketConnection> wired = new Fixtures.Wired<>(connection).open();
            wired.fire("add", "[1, 2]");
            wired.fire("one", "[\"plain\"]");
            Fixtures.RecordingAck ack = wired.fire("one", "[{\"name\": \"x\"}]");
            assertEquals(List.of(3, "plain"), type.getField("got").get(connection));
            assertTrue(ack.only().toString().contains("argument 1 (String): "), ack.sent.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void reservedNamesMatchSocketIo() {
        assertEquals(new TreeSet<>(List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener",
                "removeListener")), new TreeSet<>(io.windsock.internal.server.Events.RESERVED));
    }
}
