package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ClientError;
import io.windsock.server.Namespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parameter type the server's mapper can never build fails registration; so at run time a failure
 * to build a value is the value's fault.
 */
class DeserializableParamsTest {
    public static final class NoCtor {
        final int a;
        final int b;

        // Two parameters, no @JsonCreator, no parameter-names module: Jackson has no way to call it.
        // (One int parameter would do: Jackson takes it as a creator from a JSON number.)
        public NoCtor(int a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    public interface Shape {
        double area();
    }

    public record Point(int x, int y) {
    }

    /**
     * An abstract property type: registration refuses it (see AbstractPropertyTypesTest); bound
     * without registration, it is the server's mistake, not the client's.
     */
    public record Order(Shape shape) {
    }

    public static class TakesOrder extends SocketConnection {
        @Event
        public void f(Order order) {
        }
    }

    /**
     * A property type that needs a module the mapper lacks: registration refuses it (see
     * ModuleTypesInPropertiesTest); bound without registration, it is the server's mistake too.
     */
    public record Booking(java.time.LocalDate day) {
    }

    public static class TakesBooking extends SocketConnection {
        @Event
        public void f(Booking booking) {
        }
    }

    public class Inner { // not static: Jackson would need an outer instance
        public int v;
    }

    public static class TakesNoCtor extends SocketConnection {
        @Event
        public void f(NoCtor x) {
        }
    }

    public static class TakesRunnables extends SocketConnection {
        @Event
        public void f(List<Runnable> tasks) {
        }
    }

    public static class TakesShapes extends SocketConnection {
        @Event
        public void f(Map<String, Shape> shapes) {
        }
    }

    public static class TakesInner extends SocketConnection {
        @Event
        public void f(Inner inner) {
        }
    }

    public static class Buildable extends SocketConnection {
        @Event
        public void f(Point p, List<Point> ps, Map<String, List<Point>> named, Object any, int[] xs) {
        }
    }

    /** java.time and OptionalInt need modules the mapper lacks: Jackson gives them a deserializer that always fails. */
    public static class TakesModuleTypes extends SocketConnection {
        @Event
        public void day(java.time.LocalDate day) {
        }

        @Event
        public void days(List<java.time.LocalDate> days) {
        }

        @Event
        public void count(java.util.OptionalInt count) {
        }
    }

    public static class Plain extends SocketConnection {
        @Event
        public void f(Point p) {
        }
    }

    /** A subclass the factory returns for a namespace served with Plain.class, adding a handler. */
    public static class PlainWithRunnable extends Plain {
        @Event
        public void g(Runnable task) {
        }
    }

    public static class PlainWithPoints extends Plain {
        @Event
        public void g(List<Point> points) {
        }
    }

    @Test
    void aClassWithoutAUsableConstructorFailsRegistrationNamingHandlerAndParameter() {
        String message = RegistrationNamespace.refusal(TakesNoCtor.class);
        assertTrue(message.contains("TakesNoCtor.f(NoCtor): parameter 1 (DeserializableParamsTest.NoCtor x)"), message);
        assertTrue(message.contains("no constructor Jackson can use"), message);
    }

    @Test
    void anAbstractElementOrValueTypeFailsRegistration() {
        String runnables = RegistrationNamespace.refusal(TakesRunnables.class);
        assertTrue(runnables.contains("parameter 1 (List<Runnable> tasks): Runnable is an abstract type"), runnables);
        String shapes = RegistrationNamespace.refusal(TakesShapes.class);
        assertTrue(shapes.contains("Shape is an abstract type"), shapes);
    }

    @Test
    void aTypeThatNeedsAModuleTheMapperLacksFailsRegistration() {
        String message = RegistrationNamespace.refusal(TakesModuleTypes.class);
        assertTrue(message.contains("TakesModuleTypes.day(LocalDate): parameter 1 (LocalDate day): LocalDate needs a"
                + " Jackson module"), message);
        // Jackson's hint is kept whole: the module's coordinates, group included.
        assertTrue(message.contains("com.fasterxml.jackson.datatype:jackson-datatype-jsr310"), message);
        assertTrue(message.contains("TakesModuleTypes.days(List): parameter 1 (List<LocalDate> days)"), message);
        assertTrue(message.contains("TakesModuleTypes.count(OptionalInt): parameter 1 (OptionalInt count)"), message);
    }

    @Test
    void aNonStaticInnerClassFailsRegistration() {
        String message = RegistrationNamespace.refusal(TakesInner.class);
        assertTrue(message.contains("non-static inner class"), message);
    }

    @Test
    void typesJacksonCanBuildPassRegistration() {
        ConnectionInstaller.install(RegistrationNamespace.named("/test"), Buildable.class, Buildable::new, ConnectionOptions.DEFAULT);
    }

    /** @return the socket's error, or null when it joined the namespace served with Plain.class and the factory */
    private static Throwable join(java.util.function.Supplier<? extends Plain> factory) {
        Namespace ns = RegistrationNamespace.named("/test");
        ConnectionInstaller.install(ns, Plain.class, factory, ConnectionOptions.DEFAULT);
        Fixtures.FakeSocket fake = new Fixtures.FakeSocket();
        fake.namespace = ns;
        try {
            ConnectionInstaller.served(ns).admit(fake.socket);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void aSubclassTheFactoryReturnsIsCheckedWhenFirstSeen() {
        Throwable refused = join(PlainWithRunnable::new);
        assertInstanceOf(IllegalArgumentException.class, refused);
        assertTrue(refused.getMessage().contains("PlainWithRunnable.g(Runnable): parameter 1 (Runnable task):"
                + " Runnable is an abstract type"), refused.getMessage());
        assertEquals(null, join(PlainWithPoints::new));
    }

    @Test
    void atRunTimeAFailureToBuildIsTheValuesFaultSinceRegistrationProvedTheType() throws Exception {
        // The scan alone (no mapper) lets NoCtor through; served, registration refuses it. So whatever
        // reaches dispatch can be built, and Jackson failing on a definition there means a value of
        // the wrong shape: the client's, with Jackson's text (naming the server's classes) kept back.
        Fixtures.Wired<TakesNoCtor> w = new Fixtures.Wired<>(new TakesNoCtor()).open();
        assertEquals(List.of(Map.of("error", "bad_arguments",
                        "message", "argument 1 (DeserializableParamsTest.NoCtor x): invalid value; expected f(DeserializableParamsTest.NoCtor x)")),
                w.fire("f", "[{\"a\": 1}]").only());
        Throwable error = w.errors.only().error();
        assertInstanceOf(ClientError.class, error);
        assertTrue(error.getMessage().contains("NoCtor"), error.getMessage());
    }

    @Test
    void anAbstractPropertyTypeTheMapperCannotBuildIsTheServersMistakeNotTheClients() throws Exception {
        Fixtures.Wired<TakesOrder> w = new Fixtures.Wired<>(new TakesOrder()).open();
        List<Object> ack = w.fire("f", "[{\"shape\": {}}]").only();
        assertEquals("internal_error", ((Map<?, ?>) ack.get(0)).get("error"), ack.toString());
        Throwable error = w.errors.only().error();
        assertInstanceOf(IllegalStateException.class, error);
        assertTrue(error.getMessage().contains("Shape"), error.getMessage());
    }

    @Test
    void aPropertyTypeThatNeedsAModuleTheMapperLacksIsTheServersMistakeNotTheClients() throws Exception {
        Fixtures.Wired<TakesBooking> w = new Fixtures.Wired<>(new TakesBooking()).open();
        List<Object> ack = w.fire("f", "[{\"day\": \"2020-01-01\"}]").only();
        assertEquals("internal_error", ((Map<?, ?>) ack.get(0)).get("error"), ack.toString());
        Throwable error = w.errors.only().error();
        assertInstanceOf(IllegalStateException.class, error);
        assertTrue(error.getMessage().contains("LocalDate"), error.getMessage());
    }
}
