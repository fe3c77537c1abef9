package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ClientError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A string sent for an object array (which Jackson reports as a flaw of the type, not of the value)
 * is the client's bad argument: an error ack {@code bad_arguments}, a client error for the error
 * handler, and Jackson's explanation, with the client's text escaped, for the server only.
 */
class ArrayArgumentMismatchTest {
    public record Point(int x, int y) {
    }

    public record Tagged(String[] tags) {
    }

    public static class Arrays3 extends SocketConnection {
        @Event
        public String names(String[] names) {
            return Arrays.toString(names);
        }

        @Event
        public String points(Point[] points) {
            return Arrays.toString(points);
        }

        @Event
        public String tagged(Tagged tagged) {
            return Arrays.toString(tagged.tags());
        }
    }

    private static Map<String, String> badArguments(String message) {
        return Map.of("error", "bad_arguments", "message", message);
    }

    @Test
    void aStringForAStringArrayIsABadArgument() throws Exception {
        Fixtures.Wired<Arrays3> w = new Fixtures.Wired<>(new Arrays3()).open();
        assertEquals(List.of(badArguments("argument 1 (String[] names): invalid value; expected names(String[] names)")),
                w.fire("names", "[\"a\"]").only());
        ClientError error = assertInstanceOf(ClientError.class, w.errors.only().error());
        assertTrue(error.getMessage().startsWith("bad event 'names': argument 1 (String[] names): Cannot construct"
                + " instance of `String[]`"), error.getMessage());
        assertEquals("[a, b]", w.fire("names", "[[\"a\", \"b\"]]").only().get(0), "an array still binds");
    }

    @Test
    void aStringForARecordArrayIsABadArgument() throws Exception {
        Fixtures.Wired<Arrays3> w = new Fixtures.Wired<>(new Arrays3()).open();
        assertEquals(List.of(badArguments("argument 1 (ArrayArgumentMismatchTest.Point[] points): invalid value;"
                        + " expected points(ArrayArgumentMismatchTest.Point[] points)")),
                w.fire("points", "[\"a\"]").only());
        assertInstanceOf(ClientError.class, w.errors.only().error());
        assertEquals("[Point[x=1, y=2]]", w.fire("points", "[[{\"x\": 1, \"y\": 2}]]").only().get(0));
    }

    @Test
    void aStringForAnArrayInsideARecordIsABadArgument() throws Exception {
        Fixtures.Wired<Arrays3> w = new Fixtures.Wired<>(new Arrays3()).open();
        List<Object> ack = w.fire("tagged", "[{\"tags\": \"a\"}]").only();
        assertEquals("bad_arguments", ((Map<?, ?>) ack.get(0)).get("error"), ack.toString());
        assertInstanceOf(ClientError.class, w.errors.only().error());
    }

    @Test
    void theClientsTextIsEscapedInTheReportAndJacksonsTextStaysOnTheServer() throws Exception {
        Fixtures.Wired<Arrays3> w = new Fixtures.Wired<>(new Arrays3()).open();
        List<Object> ack = w.fire("names", "[\"x\\nFORGED\\u001b[2J\"]").only();
        String toClient = (String) ((Map<?, ?>) ack.get(0)).get("message");
        assertFalse(toClient.contains("Cannot construct"), toClient);
        String report = w.errors.only().error().getMessage();
        assertTrue(report.contains("('x\\nFORGED\\u001b[2J')"), report);
        assertFalse(report.contains("\n") || report.contains("\u001b"), report);
    }
}
