package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.server.ClientError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a bad event's report and error ack say: never the application's exception text to the client. */
class BadEventTextTest {
    private static final String SECRET = "secret-table=users_v2";

    public record Guarded(int v) {
        public Guarded {
            if (v < 0) {
                throw new IllegalArgumentException(SECRET);
            }
        }
    }

    public static class Checked {
        private int v;

        public int getV() {
            return v;
        }

        public void setV(int v) {
            if (v < 0) {
                throw new IllegalStateException(SECRET);
            }
            this.v = v;
        }
    }

    public static class Handlers extends SocketConnection {
        @Event
        public int guarded(Guarded g) {
            return g.v();
        }

        @Event
        public int checked(Checked c) {
            return c.getV();
        }

        @Event
        public int add(int a, int b) {
            return a + b;
        }
    }

    private static Fixtures.Wired<Handlers> wired() throws Exception {
        return new Fixtures.Wired<>(new Handlers()).open();
    }

    /** Asserts a bad_arguments ack that hides the application's text, and a report that keeps it. */
    private static void assertHiddenFromClientOnly(Fixtures.Wired<Handlers> w, String event) {
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) w.fire(event, "[{\"v\": -1}]").only().get(0);
        assertEquals("bad_arguments", error.get("error"));
        String message = (String) error.get("message");
        assertFalse(message.contains("secret"), message);
        assertTrue(message.contains("invalid value"), message);
        Throwable reported = w.errors.only().error();
        assertInstanceOf(ClientError.class, reported);
        assertTrue(reported.getMessage().contains(SECRET), reported.getMessage());
    }

    @Test
    void aRecordConstructorsMessageStaysOnTheServer() throws Exception {
        Fixtures.Wired<Handlers> w = wired();
        assertHiddenFromClientOnly(w, "guarded");
        assertEquals(List.of(3), w.fire("guarded", "[{\"v\": 3}]").only(), "a valid value still binds");
    }

    @Test
    void aSettersMessageStaysOnTheServer() throws Exception {
        assertHiddenFromClientOnly(wired(), "checked");
    }

    /** Delivers the raw arguments as the socket would; returns the ack's error message. */
    private static String errorMessage(Fixtures.Wired<Handlers> w, String event, Object... args) throws Exception {
        Fixtures.RecordingAck ack = new Fixtures.RecordingAck(true);
        w.fake.fallback.onEvent(event, List.of(args), ack);
        return (String) ((Map<?, ?>) ack.only().get(0)).get("message");
    }

    private static void assertBoundedAndEscaped(String text) {
        assertTrue(text.length() < 2_000, text.length() + " chars");
        for (char c : new char[]{'\u2028', '\r', '\n', '\u0085', '\u007f', '\u202e', '\u2066'}) {
            assertTrue(text.indexOf(c) < 0, "raw U+" + Integer.toHexString(c) + " in " + text);
        }
    }

    @Test
    void anObjectOfManyKeysIsListedBoundedAndEscaped() throws Exception {
        Fixtures.Wired<Handlers> w = wired();
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("line\u2028break\r\n\u0085\u007f\u202e\u2066", 1);
        for (int i = 0; i < 100_000; i++) {
            object.put("key" + i, i);
        }
        String message = errorMessage(w, "add", object);
        assertBoundedAndEscaped(message);
        assertTrue(message.contains("line\\u2028break\\r\\n"), message);
        assertTrue(message.contains("100001 keys in all"), message);
        String report = w.errors.only().error().getMessage();
        assertBoundedAndEscaped(report);
        assertTrue(report.contains("\\u2028"), report);
    }

    @Test
    void anUnknownFieldsNameIsCutAndEscaped() throws Exception {
        Fixtures.Wired<Handlers> w = wired();
        String key = "x\u2028".repeat(50_000);
        String message = errorMessage(w, "guarded", Map.of("v", 1, key, 2));
        assertTrue(message.contains("Unrecognized field"), message);
        assertBoundedAndEscaped(message);
        assertBoundedAndEscaped(w.errors.only().error().getMessage());
    }

    @Test
    void receivedStringsEscapeSeparatorsAndBidiControls() {
        String shown = ValueText.of(List.of("a\u2028b\u2029c\u0085d\u007fe\u202af\u2069g\uD83D\uDE00"));
        assertEquals("[\"a\\u2028b\\u2029c\\u0085d\\u007fe\\u202af\\u2069g\uD83D\uDE00\"]", shown);
    }

    @Test
    void jacksonsOwnExplanationStillReachesTheClient() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) wired().fire("add", "[1, \"x\"]").only().get(0);
        assertTrue(((String) error.get("message")).contains("Cannot coerce String value (\"x\") to `int`"), error.toString());
    }

    /**
     * Jackson ends some refusals with the setting that would allow the value (CoercionConfig,
     * ACCEPT_FLOAT_AS_INT, FAIL_ON_NULL_FOR_PRIMITIVES); strict conversion overrides those settings,
     * so the hint would send the developer to a setting that changes nothing, and the client to none.
     */
    @Test
    void strictConversionDropsJacksonsHintAtSettingsItOverrides() throws Exception {
        Fixtures.Wired<Handlers> w = wired();
        for (String args : List.of("[1.5, 2]", "[1, \"x\"]")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) w.fire("add", args).only().get(0);
            String message = (String) error.get("message");
            assertTrue(message.contains("Cannot coerce"), message);
            assertFalse(message.contains("CoercionConfig") || message.contains("to allow"), message);
        }
        String inRecord = errorMessage(w, "guarded", Map.of("v", 1.5));
        assertTrue(inRecord.contains("Cannot coerce"), inRecord);
        assertFalse(inRecord.contains("CoercionConfig") || inRecord.contains("to allow"), inRecord);
        assertEquals(3, w.errors.reports.size(), w.errors.reports.toString());
        for (Fixtures.Reported reported : w.errors.reports) {
            assertFalse(reported.error().getMessage().contains("CoercionConfig"), reported.error().getMessage());
        }
    }
}
