package io.windsock.internal.dispatch;

import static io.windsock.internal.dispatch.Fixtures.Wired;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Arg;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ClientError;
import io.windsock.server.Ack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every argument-binding rule of docs/event-model.md, each with the literal JSON a client sends.
 * A handler records the Java values it received; a bad event must leave no call behind.
 */
class BindingRulesTest {
    record Point(int x, int y) {
    }

    record Upload(String name, byte[] data) {
    }

    enum Color { RED, GREEN }

    public static class Recorder extends SocketConnection {
        final List<List<Object>> calls = new ArrayList<>();

        private void got(Object... values) {
            calls.add(Arrays.asList(values));
        }

        @Event
        public void hello(String name) {
            got(name);
        }

        @Event
        public void add(int a, int b) {
            got(a, b);
        }

        @Event
        public void test(int a, int b, int c, Map<String, Object> d) {
            got(a, b, c, d);
        }

        @Event("move to")
        public void move(Point point) {
            got(point);
        }

        @Event
        public void wrapped(@Arg("point") Point point) {
            got(point);
        }

        @Event
        public void map(Map<String, Object> all) {
            got(all);
        }

        @Event
        public void any(Object value) {
            got(value);
        }

        @Event
        public void greet(String name, Optional<String> title) {
            got(name, title);
        }

        @Event
        public void nullable(String text, Integer count) {
            got(text, count);
        }

        @Event
        public void typed(List<Integer> numbers, Color color, long big, double ratio) {
            got(numbers, color, big, ratio);
        }

        @Event
        public void upload(String name, byte[] data) {
            got(name, data);
        }

        @Event
        public void file(Upload upload) {
            got(upload);
        }

        @Event
        public void ping() {
            got();
        }

        @Event
        public void renamed(@Arg("first-name") String first, @Arg("last-name") String last) {
            got(first, last);
        }

        @Event
        public void withAck(int n, Ack ack) {
            got(n, ack.requested());
        }
    }

    private Wired<Recorder> wired;

    @BeforeEach
    void open() throws Exception {
        wired = new Wired<>(new Recorder()).open();
    }

    private List<Object> call(String event, String json) {
        int before = wired.connection.calls.size();
        Fixtures.RecordingAck ack = wired.fire(event, json);
        assertTrue(wired.errors.reports.isEmpty(), () -> "unexpected report " + wired.errors.reports);
        assertEquals(List.of(), ack.only(), "a void handler acks with no arguments");
        assertEquals(before + 1, wired.connection.calls.size(), "handler called once");
        return wired.connection.calls.get(before);
    }

    /** @return the error ack's text, after checking the handler did not run and the error was reported. */
    private String rejected(String event, String json) {
        int before = wired.connection.calls.size();
        Fixtures.RecordingAck ack = wired.fire(event, json);
        assertEquals(before, wired.connection.calls.size(), "a bad event calls no handler");
        Fixtures.Reported report = wired.errors.only();
        wired.errors.reports.clear();
        assertEquals(event, report.event());
        assertInstanceOf(ClientError.class, report.error());
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) ack.only().get(0);
        assertEquals(1, ack.only().size());
        assertEquals(List.of("error", "message"), List.copyOf(error.keySet()));
        assertTrue(List.of("bad_arguments", "unknown_event").contains(error.get("error")), error::toString);
        return (String) error.get("message");
    }

    // ---- positional and named ----

    @Test
    void positionalArgumentsBindInOrder() {
        assertEquals(List.of(1, 2), call("add", "[1, 2]"));
    }

    @Test
    void oneObjectWhoseKeysAreTheParameterNamesBindsByName() {
        assertEquals(List.of(1, 2), call("add", "[{\"b\": 2, \"a\": 1}]"));
    }

    @Test
    void aStringParameterTakesAPlainValueOrTheNamedObject() {
        assertEquals(List.of("Joes"), call("hello", "[\"Joes\"]"));
        assertEquals(List.of("Joes"), call("hello", "[{\"name\": \"Joes\"}]"));
    }

    @Test
    void moreThanOneArgumentIsNeverUnpacked() {
        assertEquals(List.of(1, 2, 3, Map.of("a", 10, "b", 10)), call("test", "[1, 2, 3, {\"a\": 10, \"b\": 10}]"));
    }

    @Test
    void explicitArgNamesBindKeysThatAreNotJavaIdentifiers() {
        assertEquals(List.of("Ada", "Lovelace"), call("renamed", "[{\"first-name\": \"Ada\", \"last-name\": \"Lovelace\"}]"));
        assertEquals(List.of("Ada", "Lovelace"), call("renamed", "[\"Ada\", \"Lovelace\"]"));
    }

    @Test
    void anExplicitEventNameIsWhatTheClientEmits() {
        assertEquals(List.of(new Point(1, 2)), call("move to", "[{\"x\": 1, \"y\": 2}]"));
        assertTrue(rejected("move", "[{\"x\": 1, \"y\": 2}]").startsWith("unknown event 'move'"));
    }

    // ---- the whole-object rule ----

    @Test
    void aLoneRecordParameterTakesTheWholeObject() {
        assertEquals(List.of(new Point(3, 4)), call("move to", "[{\"x\": 3, \"y\": 4}]"));
    }

    @Test
    void aLoneMapParameterTakesTheWholeObjectEvenWithAKeyOfItsName() {
        assertEquals(List.of(Map.of("all", 1, "b", 2)), call("map", "[{\"all\": 1, \"b\": 2}]"));
    }

    @Test
    void aLoneObjectParameterTakesAnyValueAsIs() {
        assertEquals(List.of(Map.of("value", 1)), call("any", "[{\"value\": 1}]"));
        assertEquals(List.of(List.of(1, "a")), call("any", "[[1, \"a\"]]"));
    }

    @Test
    void argOnALoneRecordParameterBindsByItsKeyInstead() {
        assertEquals(List.of(new Point(5, 6)), call("wrapped", "[{\"point\": {\"x\": 5, \"y\": 6}}]"));
        // No key of that name: the whole object still binds by position.
        assertEquals(List.of(new Point(7, 8)), call("wrapped", "[{\"x\": 7, \"y\": 8}]"));
    }

    // ---- missing, extra, null ----

    @Test
    void aMissingOptionalIsEmptyByPositionAndByName() {
        assertEquals(List.of("Joe", Optional.empty()), call("greet", "[\"Joe\"]"));
        assertEquals(List.of("Joe", Optional.empty()), call("greet", "[{\"name\": \"Joe\"}]"));
        assertEquals(List.of("Joe", Optional.of("Dr")), call("greet", "[\"Joe\", \"Dr\"]"));
        assertEquals(List.of("Joe", Optional.of("Dr")), call("greet", "[{\"title\": \"Dr\", \"name\": \"Joe\"}]"));
        assertEquals(List.of("Joe", Optional.empty()), call("greet", "[\"Joe\", null]"));
    }

    @Test
    void aMissingRequiredArgumentIsABadEvent() {
        String error = rejected("add", "[1]");
        assertEquals("missing argument 2 (int b); expected add(int a, int b)", error);
        assertTrue(rejected("greet", "[]").startsWith("missing argument 1 (String name)"));
    }

    @Test
    void extraArgumentsAreABadEvent() {
        assertEquals("3 arguments received, 2 expected; expected add(int a, int b)", rejected("add", "[1, 2, 3]"));
        assertTrue(rejected("ping", "[1]").startsWith("1 argument received, 0 expected"));
    }

    @Test
    void anObjectWhoseKeysDoNotMatchIsExplainedByItsKeys() {
        String error = rejected("add", "[{\"a\": 1, \"c\": 2}]");
        assertEquals("the object's keys [a, c] do not match the parameters [a, b] (unknown: c) (missing: b)"
                + "; expected add(int a, int b)", error);
    }

    @Test
    void nullBindsToReferenceTypesButNotToPrimitives() {
        assertEquals(Arrays.asList(null, null), call("nullable", "[null, null]"));
        assertTrue(rejected("add", "[1, null]").startsWith("argument 2 (int b): null is not a valid int"));
    }

    @Test
    void aHandlerWithoutParametersTakesNothingOrAnEmptyObject() {
        assertEquals(List.of(), call("ping", "[]"));
        assertEquals(List.of(), call("ping", "[{}]"));
    }

    // ---- conversion ----

    @Test
    void valuesConvertToTheDeclaredTypesWithJackson() {
        List<Object> got = call("typed", "[[1, 2, 3], \"GREEN\", 12345678901, 1]");
        assertEquals(List.of(1, 2, 3), got.get(0));
        assertEquals(Color.GREEN, got.get(1));
        assertEquals(12345678901L, got.get(2));
        assertEquals(1.0, got.get(3));
    }

    @Test
    void aValueThatDoesNotConvertIsABadEventNamingTheArgument() {
        String error = rejected("add", "[1, \"x\"]");
        assertTrue(error.startsWith("argument 2 (int b): "), error);
        assertTrue(error.endsWith("; expected add(int a, int b)"), error);
        error = rejected("typed", "[[1], \"BLUE\", 1, 1]");
        assertTrue(error.startsWith("argument 2 (BindingRulesTest.Color color): "), error);
        error = rejected("add", "[1, 12345678901]");
        assertTrue(error.startsWith("argument 2 (int b): "), "overflow is refused: " + error);
        error = rejected("add", "[{\"a\": \"x\", \"b\": 2}]");
        assertTrue(error.startsWith("argument 'a' (int a): "), error);
    }

    @Test
    void aNumericStringIsNotANumber() {
        // Strict by default (StrictConversionTest has every pair); Jackson would take "1" for an int.
        assertTrue(rejected("add", "[\"1\", 2]").startsWith("argument 1 (int a): "));
    }

    @Test
    void binaryArrivesAsByteArray() {
        List<Object> raw = new ArrayList<>(List.of("photo.png", new byte[]{1, 2, 3}));
        Fixtures.RecordingAck ack = new Fixtures.RecordingAck(false);
        deliver("upload", raw, ack);
        List<Object> got = wired.connection.calls.get(0);
        assertEquals("photo.png", got.get(0));
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) got.get(1));
    }

    @Test
    void binaryInsideAnObjectConvertsIntoARecord() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("name", "a.bin");
        object.put("data", new byte[]{9, 8});
        deliver("file", new ArrayList<>(List.of(object)), new Fixtures.RecordingAck(false));
        Upload upload = (Upload) wired.connection.calls.get(0).get(0);
        assertEquals("a.bin", upload.name());
        assertArrayEquals(new byte[]{9, 8}, upload.data());
    }

    // ---- the Ack parameter ----

    @Test
    void anAckParameterIsNotAnArgumentAndItsHandlerAcksItself() {
        Fixtures.RecordingAck ack = wired.fire("withAck", "[7]");
        assertEquals(List.of(7, true), wired.connection.calls.get(0));
        assertTrue(ack.sent.isEmpty(), "no automatic ack when the handler holds the Ack");
        wired.fire("withAck", "[{\"n\": 8}]", false);
        assertEquals(List.of(8, false), wired.connection.calls.get(1));
    }

    @Test
    void withoutAnAckAskedAVoidHandlerSendsNothing() {
        Fixtures.RecordingAck ack = wired.fire("add", "[1, 2]", false);
        assertTrue(ack.sent.isEmpty());
        assertEquals(List.of(1, 2), wired.connection.calls.get(0));
    }

    private void deliver(String event, List<Object> raw, Fixtures.RecordingAck ack) {
        try {
            wired.fake.fallback.onEvent(event, raw, ack);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertTrue(wired.errors.reports.isEmpty(), () -> "unexpected report " + wired.errors.reports);
    }
}
