package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Arg;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Ack;
import io.windsock.server.ClientError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A varargs parameter takes the trailing positional arguments, as TornadIO2's {@code *args} does,
 * each converted to the element type; an array argument is one element, never spread; a named
 * object binds the other parameters and leaves the varargs one empty.
 */
class VarargsHandlersTest {
    public static class Base<T> extends SocketConnection {
        @Event
        public String put(T... items) {
            return items.getClass().getSimpleName() + Arrays.toString(items);
        }
    }

    public static class Rooms extends Base<Integer> {
        @Event
        public String rooms(String... names) {
            return Arrays.toString(names);
        }

        @Event
        public int sum(int... xs) {
            return Arrays.stream(xs).sum();
        }

        @Event
        public String tag(String prefix, String... rest) {
            return prefix + ":" + Arrays.toString(rest);
        }

        @Event
        public String any(Object... parts) {
            return Arrays.toString(parts);
        }

        @Event
        public void job(Ack ack, String... names) {
            ack.send(names.length);
        }
    }

    public static class NamedVarargs extends SocketConnection {
        @Event
        public void f(@Arg("names") String... names) {
        }
    }

    private static Fixtures.Wired<Rooms> wired() throws Exception {
        return new Fixtures.Wired<>(new Rooms()).open();
    }

    private static String badArguments(List<Object> ack) {
        Map<?, ?> error = (Map<?, ?>) ack.get(0);
        assertEquals("bad_arguments", error.get("error"), ack.toString());
        return (String) error.get("message");
    }

    @Test
    void trailingArgumentsAreCollected() throws Exception {
        Fixtures.Wired<Rooms> w = wired();
        assertEquals(List.of("[a, b]"), w.fire("rooms", "[\"a\", \"b\"]").only());
        assertEquals(List.of("[a]"), w.fire("rooms", "[\"a\"]").only());
        assertEquals(List.of("[]"), w.fire("rooms", "[]").only());
        assertEquals(List.of("p:[a, b]"), w.fire("tag", "[\"p\", \"a\", \"b\"]").only());
        assertEquals(List.of("p:[]"), w.fire("tag", "[\"p\"]").only());
        assertEquals(List.of(2), w.fire("job", "[\"a\", \"b\"]").only());
        assertTrue(w.errors.reports.isEmpty(), w.errors.reports::toString);
    }

    @Test
    void eachArgumentConvertsToTheElementType() throws Exception {
        Fixtures.Wired<Rooms> w = wired();
        assertEquals(List.of(6), w.fire("sum", "[1, 2, 3]").only());
        assertEquals(List.of(0), w.fire("sum", "[]").only());
        assertEquals("argument 2 (int... xs): null is not a valid int; expected sum(int... xs)",
                badArguments(w.fire("sum", "[1, null]").only()));
        assertTrue(badArguments(w.fire("rooms", "[\"a\", 5]").only()).startsWith("argument 2 (String... names): "));
        assertInstanceOf(ClientError.class, w.errors.reports.get(0).error());
    }

    @Test
    void aTypeVariableElementResolvesAgainstTheClass() throws Exception {
        Fixtures.Wired<Rooms> w = wired();
        assertEquals(List.of("Object[][1, 2]"), w.fire("put", "[1, 2]").only()); // T erases to Object
        assertTrue(badArguments(w.fire("put", "[1, \"x\"]").only()).startsWith("argument 2 (Integer... items): "));
    }

    @Test
    void anArrayArgumentIsOneElementNeverSpread() throws Exception {
        Fixtures.Wired<Rooms> w = wired();
        String message = badArguments(w.fire("rooms", "[[\"a\", \"b\"]]").only());
        assertTrue(message.startsWith("argument 1 (String... names): "), message);
        assertTrue(message.endsWith("; expected rooms(String... names)"), message);
        assertEquals(List.of("[[a, b], [c]]"), w.fire("any", "[[\"a\", \"b\"], [\"c\"]]").only());
    }

    @Test
    void aNamedObjectBindsTheOtherParametersAndNoElement() throws Exception {
        Fixtures.Wired<Rooms> w = wired();
        assertEquals(List.of("p:[]"), w.fire("tag", "[{\"prefix\": \"p\"}]").only());
        assertEquals(List.of("[]"), w.fire("any", "[{}]").only());
        // Keys that name no parameter: the object is a positional argument, as for any handler.
        assertEquals(List.of("[{a=1}]"), w.fire("any", "[{\"a\": 1}]").only());
        String message = badArguments(w.fire("tag", "[{\"prefix\": \"p\", \"rest\": [\"a\"]}]").only());
        assertTrue(message.contains("(unknown: rest)"), message);
    }

    @Test
    void argOnAVarargsParameterFailsRegistration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectionType.of(NamedVarargs.class));
        assertTrue(e.getMessage().contains("NamedVarargs.f(String[]): @Arg on the varargs parameter 1"), e.getMessage());
    }
}
