package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Strict conversion, the default: every pair of JSON value and Java type that could change the
 * data is refused, inside collections and records too; lenient conversion is Jackson's, on request.
 * Each row is a literal JSON argument list and what the handler must receive (or a refusal).
 */
class StrictConversionTest {
    public record Pixel(int x, byte level) {
    }

    public enum Color { RED, GREEN }

    public record Defaults(int i, long l, short s, byte b, boolean z, char c, float f, double d, String t) {
    }

    public record BoxedDefaults(Integer i, Long l, Short s, Byte b, Boolean z, Character c, Float f, Double d, int p) {
    }

    /** Each handler acks with what it received, so the test sees the converted value. */
    public static class Types extends SocketConnection {
        @Event public int add(int a, int b) { return a + b; }
        @Event("int") public int anInt(int v) { return v; }
        @Event("Integer") public Integer boxedInt(Integer v) { return v; }
        @Event("long") public long aLong(long v) { return v; }
        @Event("short") public short aShort(short v) { return v; }
        @Event("byte") public byte aByte(byte v) { return v; }
        @Event("float") public float aFloat(float v) { return v; }
        @Event("double") public double aDouble(double v) { return v; }
        @Event("boolean") public boolean aBoolean(boolean v) { return v; }
        @Event("String") public String aString(String v) { return v; }
        @Event("char") public String aChar(char v) { return String.valueOf(v); }
        @Event("BigInteger") public BigInteger big(BigInteger v) { return v; }
        @Event("BigDecimal") public BigDecimal decimal(BigDecimal v) { return v; }
        @Event("List") public List<Integer> list(List<Integer> v) { return v; }
        @Event("Pixel") public String pixel(Pixel v) { return v.toString(); }
        @Event("Defaults") public String defaults(Defaults v) { return v.toString(); }
        @Event("BoxedDefaults") public String boxedDefaults(BoxedDefaults v) { return v.toString(); }
        @Event("Color") public Color color(Color v) { return v; }
        @Event("UUID") public String uuid(UUID v) { return v.toString(); }
        @Event("Double") public Double boxedDouble(Double v) { return v; }
        @Event("byte[]") public List<Byte> bytes(byte[] v) { return boxed(v); }
        @Event("float[]") public List<Float> floats(float[] v) {
            List<Float> out = new ArrayList<>();
            for (float f : v) {
                out.add(f);
            }
            return out;
        }
        @Event("double[]") public List<Double> doubles(double[] v) { return java.util.Arrays.stream(v).boxed().toList(); }
        @Event("List<Double>") public List<Double> doubleList(List<Double> v) { return v; }
        @Event("Blob") public List<Byte> blob(Blob v) { return boxed(v.data()); }
        @Event("ByteBuffer") public List<Byte> buffer(ByteBuffer v) {
            byte[] b = new byte[v.remaining()];
            v.get(b);
            return boxed(b);
        }
        @Event("Byte[]") public List<Byte> boxedBytes(Byte[] v) { return java.util.Arrays.asList(v); }
        @Event("Map<Integer,String>") public String intKeys(Map<Integer, String> v) { return v.toString(); }
        @Event("Map<UUID,Integer>") public String uuidKeys(Map<UUID, Integer> v) { return v.toString(); }
        @Event("Object") public Object any(Object v) { return v; }
        @Event("Map") public Map<String, Object> map(Map<String, Object> v) { return v; }
        @Event("List<Object>") public List<Object> objects(List<Object> v) { return v; }
        @Event("Number") public Number number(Number v) { return v; }
        @Event("JsonNode") public String node(JsonNode v) { return v.toString(); }
        @Event("Holder") public String holder(Holder v) { return String.valueOf(v.v()); }
        @Event("Object...") public int several(Object... v) { return v.length; }

        private static List<Byte> boxed(byte[] v) {
            List<Byte> out = new ArrayList<>();
            for (byte b : v) {
                out.add(b);
            }
            return out;
        }
    }

    public record Blob(byte[] data) {
    }

    /** Passes its own lists to the handlers: the wire reader never saw them. */
    public static class Rebuilding extends Types {
        @Override
        protected Object onEvent(String name, List<Object> args, Map<String, Object> kwargs) throws Exception {
            return super.onEvent(name, List.of(List.of(1.5, List.of(Double.POSITIVE_INFINITY))), Map.of());
        }
    }

    /** A list that counts how often it is walked. */
    private static final class Watched extends ArrayList<Object> {
        final java.util.concurrent.atomic.AtomicInteger walks = new java.util.concurrent.atomic.AtomicInteger();

        Watched(List<Object> items) {
            super(items);
        }

        @Override
        public java.util.Iterator<Object> iterator() {
            walks.incrementAndGet();
            return super.iterator();
        }
    }

    public record Holder(Object v) {
    }

    private static final Object REFUSED = new Object() {
        @Override
        public String toString() {
            return "REFUSED";
        }
    };

    /** {type, JSON arguments, what the handler acks with, or REFUSED}. */
    private static final Object[][] STRICT = {
            {"int", "[3]", 3}, {"int", "[-2147483648]", -2147483648}, {"int", "[1.5]", REFUSED},
            {"int", "[1.0]", REFUSED}, {"int", "[\"2\"]", REFUSED}, {"int", "[true]", REFUSED},
            {"int", "[1099511627776]", REFUSED}, {"int", "[2147483648]", REFUSED}, {"int", "[null]", REFUSED},
            {"int", "[{}]", REFUSED}, {"int", "[[1]]", REFUSED},
            {"Integer", "[null]", null}, {"Integer", "[7]", 7}, {"Integer", "[1.5]", REFUSED},
            {"Integer", "[\"7\"]", REFUSED},
            {"long", "[1099511627776]", 1099511627776L}, {"long", "[2]", 2L}, {"long", "[1.5]", REFUSED},
            {"long", "[\"5\"]", REFUSED}, {"long", "[9223372036854775808]", REFUSED},
            {"short", "[32767]", (short) 32767}, {"short", "[32768]", REFUSED}, {"short", "[1.5]", REFUSED},
            {"byte", "[127]", (byte) 127}, {"byte", "[-128]", (byte) -128}, {"byte", "[128]", REFUSED},
            {"byte", "[255]", REFUSED}, {"byte", "[300]", REFUSED}, {"byte", "[\"1\"]", REFUSED},
            {"byte", "[1.5]", REFUSED},
            {"float", "[1.5]", 1.5f}, {"float", "[2]", 2.0f}, {"float", "[1e300]", REFUSED},
            {"float", "[\"1.5\"]", REFUSED}, {"float", "[true]", REFUSED},
            {"double", "[1.5]", 1.5}, {"double", "[2]", 2.0}, {"double", "[\"1.5\"]", REFUSED},
            {"double", "[false]", REFUSED},
            {"boolean", "[true]", true}, {"boolean", "[1]", REFUSED}, {"boolean", "[0]", REFUSED},
            {"boolean", "[\"true\"]", REFUSED}, {"boolean", "[null]", REFUSED},
            {"String", "[\"x\"]", "x"}, {"String", "[5]", REFUSED}, {"String", "[1.5]", REFUSED},
            {"String", "[true]", REFUSED}, {"String", "[[\"x\"]]", REFUSED},
            {"char", "[\"a\"]", "a"}, {"char", "[\"ab\"]", REFUSED}, {"char", "[65]", REFUSED},
            {"BigInteger", "[123456789012345678901234567890]", new BigInteger("123456789012345678901234567890")},
            {"BigInteger", "[1.5]", REFUSED}, {"BigInteger", "[\"5\"]", REFUSED},
            {"BigDecimal", "[1.5]", new BigDecimal("1.5")}, {"BigDecimal", "[\"1.5\"]", REFUSED},
            {"List", "[[1, 2]]", List.of(1, 2)}, {"List", "[[1, 1.5]]", REFUSED}, {"List", "[[1, \"2\"]]", REFUSED},
            {"List", "[[1, null]]", java.util.Arrays.asList(1, null)},
            {"Pixel", "[{\"x\": 1, \"level\": 2}]", "Pixel[x=1, level=2]"},
            {"Pixel", "[{\"x\": 1.5, \"level\": 2}]", REFUSED}, {"Pixel", "[{\"x\": 1, \"level\": 300}]", REFUSED},
            {"Pixel", "[{\"x\": null, \"level\": 1}]", REFUSED}, {"Pixel", "[{\"x\": \"1\", \"level\": 1}]", REFUSED},
            {"Color", "[\"GREEN\"]", Color.GREEN}, {"Color", "[1]", REFUSED}, {"Color", "[\"BLUE\"]", REFUSED},
            {"UUID", "[\"00000000-0000-0000-0000-000000000001\"]", "00000000-0000-0000-0000-000000000001"},
            {"double", "[1e400]", REFUSED}, {"double", "[-1e400]", REFUSED}, {"Double", "[1e400]", REFUSED},
            {"Double", "[2.5]", 2.5}, {"List<Double>", "[[1, 1e400]]", REFUSED},
            {"byte[]", "[[1, -128, 127]]", List.of((byte) 1, (byte) -128, (byte) 127)},
            {"byte[]", "[[200]]", REFUSED}, {"byte[]", "[[-129]]", REFUSED}, {"byte[]", "[[1.5]]", REFUSED},
            {"byte[]", "[[null]]", REFUSED}, {"byte[]", "[[\"1\"]]", REFUSED}, {"byte[]", "[\"AQID\"]", REFUSED},
            {"Blob", "[{\"data\": \"AQID\"}]", REFUSED}, {"Blob", "[{\"data\": [200]}]", REFUSED},
            {"float[]", "[[1.5, 2]]", List.of(1.5f, 2.0f)}, {"float[]", "[[1e300]]", REFUSED},
            {"float[]", "[[null]]", REFUSED}, {"float[]", "[[\"1\"]]", REFUSED},
            {"double[]", "[[1.5]]", List.of(1.5)}, {"double[]", "[[1e400]]", REFUSED},
            // Binary types all take binary or an array of numbers in a byte's range, never a string.
            {"ByteBuffer", "[[1, 2, 3]]", List.of((byte) 1, (byte) 2, (byte) 3)}, {"ByteBuffer", "[\"AQID\"]", REFUSED},
            {"ByteBuffer", "[[200]]", REFUSED}, {"ByteBuffer", "[[1.5]]", REFUSED},
            {"Byte[]", "[[1, 2, 3]]", List.of((byte) 1, (byte) 2, (byte) 3)}, {"Byte[]", "[\"AQID\"]", REFUSED},
            {"Byte[]", "[[300]]", REFUSED}, {"Byte[]", "[[1, null]]", java.util.Arrays.asList((byte) 1, null)},
            // Two keys that convert to one map key would lose a value.
            {"Map<Integer,String>", "[{\"1\": \"a\", \"2\": \"b\"}]", "{1=a, 2=b}"},
            {"Map<Integer,String>", "[{\"01\": \"a\", \"1\": \"b\"}]", REFUSED},
            {"Map<UUID,Integer>", "[{\"0000000A-0000-0000-0000-000000000001\": 1,"
                    + " \"0000000a-0000-0000-0000-000000000001\": 2}]", REFUSED},
            // JSON has no infinity: a number beyond a double's range never binds, whatever the type.
            {"Object", "[1e400]", REFUSED}, {"Object", "[1.5]", 1.5}, {"Map", "[{\"a\": 1e400}]", REFUSED},
            {"Map", "[{\"a\": [1, -1e400]}]", REFUSED}, {"Map", "[{\"a\": 1.5}]", Map.of("a", 1.5)},
            {"List<Object>", "[[1e400]]", REFUSED}, {"Number", "[-1e400]", REFUSED}, {"Number", "[2.5]", 2.5},
            {"JsonNode", "[[1e400]]", REFUSED}, {"Holder", "[{\"v\": 1e400}]", REFUSED},
            {"Holder", "[{\"v\": 2}]", "2"}, {"Object...", "[1, 1e400]", REFUSED}, {"BigDecimal", "[1e400]", REFUSED},
            // Floating point: the nearest value of the type; a decimal arrives as JSON.parse reads it, a double.
            {"float", "[16777217]", 16777216.0f}, {"double", "[9007199254740993]", 9007199254740992.0},
            {"BigDecimal", "[0.1000000000000000000001]", new BigDecimal("0.1")},
            {"BigDecimal", "[12345678901234567890]", new BigDecimal("12345678901234567890")},
    };

    @Test
    void strictByDefaultForEveryPair() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        List<String> wrong = new ArrayList<>();
        for (Object[] row : STRICT) {
            String event = (String) row[0];
            String json = (String) row[1];
            List<Object> acked = w.fire(event, json).only();
            boolean reported = !w.errors.reports.isEmpty();
            w.errors.reports.clear();
            if (row[2] == REFUSED) {
                if (!reported || !(acked.get(0) instanceof Map<?, ?> error) || !"bad_arguments".equals(error.get("error"))) {
                    wrong.add(event + " " + json + ": expected a refusal, got " + acked);
                }
            } else {
                List<Object> expected = row[2] == null ? List.of() : List.of(row[2]); // a null return acks empty
                if (reported || !expected.equals(acked)) {
                    wrong.add(event + " " + json + ": expected " + row[2] + ", got " + acked);
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void aRecordFieldMissingFromTheObjectGetsItsDefaultAndOnlyAnExplicitNullIsRefused() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        assertEquals(List.of("Pixel[x=0, level=2]"), w.fire("Pixel", "[{\"level\": 2}]").only());
        assertEquals(List.of("Pixel[x=1, level=0]"), w.fire("Pixel", "[{\"x\": 1}]").only());
        assertEquals(List.of("Defaults[i=0, l=0, s=0, b=0, z=false, c=\u0000, f=0.0, d=0.0, t=x]"),
                w.fire("Defaults", "[{\"t\": \"x\"}]").only());
        assertTrue(w.errors.reports.isEmpty(), () -> "unexpected report " + w.errors.reports);
        for (String field : List.of("i", "l", "s", "b", "z", "c", "f", "d")) {
            List<Object> acked = w.fire("Defaults", "[{\"" + field + "\": null}]").only();
            assertEquals("bad_arguments", ((Map<?, ?>) acked.get(0)).get("error"), field + ": " + acked);
        }
    }

    @Test
    void aBoxedRecordFieldMissingFromTheObjectIsNullNotThePrimitiveDefault() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        // Jackson describes Integer, Long and Boolean with the same cached description as int, long and boolean.
        assertEquals(List.of("BoxedDefaults[i=null, l=null, s=null, b=null, z=null, c=null, f=null, d=null, p=0]"),
                w.fire("BoxedDefaults", "[{}]").only());
        assertEquals(List.of("BoxedDefaults[i=null, l=null, s=null, b=null, z=null, c=null, f=null, d=null, p=0]"),
                w.fire("BoxedDefaults", "[{\"i\": null, \"l\": null, \"z\": null}]").only());
        assertTrue(w.errors.reports.isEmpty(), () -> "unexpected report " + w.errors.reports);
    }

    @Test
    void valuesTheWireReaderDidNotMarkAreNotWalked() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        Watched nested = new Watched(List.of(1, 2.5, "x"));
        Watched payload = new Watched(List.of(nested, Map.of("k", nested)));
        assertEquals(List.of(1), w.fire("Object...", new ArrayList<>(List.of(payload))).only());
        assertEquals(0, payload.walks.get() + nested.walks.get(), "an unmarked event costs no walk");
        // A bare infinity needs no walk and no mark (protocol 1 sends one as a message's value).
        assertEquals("bad_arguments", ((Map<?, ?>) w.fire("Object", new ArrayList<>(List.of(Double.NEGATIVE_INFINITY)))
                .only().get(0)).get("error"));
        // A marked one is walked, and refused for what it holds deep down.
        List<Object> marked = Fixtures.json("[[1, {\"k\": [2, [1e400]]}]]");
        assertEquals("bad_arguments", ((Map<?, ?>) w.fire("Object...", marked).only().get(0)).get("error"));
        assertEquals("bad_arguments", ((Map<?, ?>) w.fire("Map", "[{\"a\": {\"b\": [[-1e400]]}}]").only().get(0))
                .get("error"));
    }

    @Test
    void listsTheApplicationPassesOnAreWalked() throws Exception {
        Fixtures.Wired<Rebuilding> w = new Fixtures.Wired<>(new Rebuilding()).open();
        assertEquals("bad_arguments", ((Map<?, ?>) w.fire("Object", "[1]").only().get(0)).get("error"));
    }

    @Test
    void binaryNeverBecomesTextAndStaysBinaryInsideRecords() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        Fixtures.RecordingAck text = new Fixtures.RecordingAck(true);
        w.fake.fallback.onEvent("String", List.of(new byte[]{1, 2, 3}), text);
        assertEquals("bad_arguments", ((Map<?, ?>) text.only().get(0)).get("error"), "not its base64 text");
        Fixtures.RecordingAck blob = new Fixtures.RecordingAck(true);
        w.fake.fallback.onEvent("Blob", List.of(Map.of("data", new byte[]{1, 2, 3})), blob);
        assertEquals(List.of(List.of((byte) 1, (byte) 2, (byte) 3)), blob.only());
        Fixtures.RecordingAck bytes = new Fixtures.RecordingAck(true);
        w.fake.fallback.onEvent("byte[]", List.of(new byte[]{4}), bytes);
        assertEquals(List.of(List.of((byte) 4)), bytes.only());
    }

    @Test
    void theRefusalSaysWhatDidNotFit() throws Exception {
        Fixtures.Wired<Types> w = new Fixtures.Wired<>(new Types()).open();
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) w.fire("add", "[1.5, 2]").only().get(0);
        assertEquals("bad_arguments", error.get("error"));
        String message = (String) error.get("message");
        assertTrue(message.startsWith("argument 1 (int a): "), message);
        assertTrue(message.endsWith("; expected add(int a, int b)"), message);
        error = (Map<String, Object>) w.fire("byte", "[300]").only().get(0);
        assertTrue(((String) error.get("message")).contains("300"), error.toString());
    }

    @Test
    void lenientConversionIsJacksonsAndMustBeAskedFor() throws Exception {
        Fixtures.Wired<Types> strict = new Fixtures.Wired<>(new Types()).open();
        assertEquals("bad_arguments", ((Map<?, ?>) strict.fire("add", "[\"2\", \"3\"]").only().get(0)).get("error"));
        Fixtures.Wired<Types> lenient = new Fixtures.Wired<>(new Types(),
                ConnectionOptions.builder().lenientConversion(true).build()).open();
        assertEquals(List.of(3), lenient.fire("add", "[1.5, 2]").only());
        assertEquals(List.of(5), lenient.fire("add", "[\"2\", \"3\"]").only());
        assertEquals(List.of(Double.POSITIVE_INFINITY), lenient.fire("Object", "[1e400]").only(), "as Jackson takes it");
        assertEquals(List.of(List.of((byte) 1, (byte) 2, (byte) 3)), lenient.fire("ByteBuffer", "[\"AQID\"]").only());
        assertTrue(lenient.errors.reports.isEmpty());
        assertEquals(false, ConnectionOptions.DEFAULT.lenientConversion());
    }
}
