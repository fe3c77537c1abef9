package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * No false refusal: types whose properties Jackson can read and write with the server's mapper as
 * it is, because an annotation, a custom (de)serializer or polymorphism takes care of them, or because
 * nothing in them needs a module, register; and each one really binds an event and writes its ack.
 */
class PropertyTypesAcceptedTest {
    public static final class DayWriter extends StdSerializer<LocalDate> {
        public DayWriter() {
            super(LocalDate.class);
        }

        @Override
        public void serialize(LocalDate value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    public static final class DayReader extends StdDeserializer<LocalDate> {
        public DayReader() {
            super(LocalDate.class);
        }

        @Override
        public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return LocalDate.parse(p.getValueAsString());
        }
    }

    public static final class DayToText extends StdConverter<LocalDate, String> {
        @Override
        public String convert(LocalDate value) {
            return value.toString();
        }
    }

    public static final class TextToDay extends StdConverter<String, LocalDate> {
        @Override
        public LocalDate convert(String value) {
            return LocalDate.parse(value);
        }
    }

    public record Hidden(String name, @JsonIgnore LocalDate day) {
    }

    public record Custom(@JsonSerialize(using = DayWriter.class) @JsonDeserialize(using = DayReader.class) LocalDate day) {
    }

    public record CustomList(@JsonSerialize(contentUsing = DayWriter.class)
                             @JsonDeserialize(contentUsing = DayReader.class) List<LocalDate> days) {
    }

    public record Converted(@JsonSerialize(converter = DayToText.class)
                            @JsonDeserialize(converter = TextToDay.class) LocalDate day) {
    }

    public static final class WholeWriter extends StdSerializer<Whole> {
        public WholeWriter() {
            super(Whole.class);
        }

        @Override
        public void serialize(Whole value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.day().toString());
        }
    }

    public static final class WholeReader extends StdDeserializer<Whole> {
        public WholeReader() {
            super(Whole.class);
        }

        @Override
        public Whole deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return new Whole(LocalDate.parse(p.getValueAsString()));
        }
    }

    /** Its own (de)serializer reads and writes the whole value: its field is none of Jackson's business. */
    @JsonSerialize(using = WholeWriter.class)
    @JsonDeserialize(using = WholeReader.class)
    public record Whole(LocalDate day) {
    }

    public static final class TaggedWriter extends StdSerializer<Tagged<?>> {
        public TaggedWriter() {
            super(Tagged.class, false);
        }

        @Override
        public void serialize(Tagged<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.label());
        }
    }

    public static final class TaggedReader extends StdDeserializer<Tagged<?>> {
        public TaggedReader() {
            super(Tagged.class);
        }

        @Override
        public Tagged<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return new Tagged<>(p.getValueAsString());
        }
    }

    /** Its own (de)serializer makes nothing of its type argument. */
    @JsonSerialize(using = TaggedWriter.class)
    @JsonDeserialize(using = TaggedReader.class)
    public record Tagged<T>(String label) {
    }

    /** Built from a string and written as one: its properties are never read nor written. */
    public record Code(LocalDate day) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Code of(String text) {
            return new Code(LocalDate.parse(text));
        }

        @JsonValue
        public String text() {
            return day.toString();
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Circle.class, name = "circle"),
            @JsonSubTypes.Type(value = Square.class, name = "square")})
    public interface Shape {
    }

    public record Circle(double r) implements Shape {
    }

    public record Square(double side) implements Shape {
    }

    public record Drawing(Shape main, List<Shape> shapes) {
    }

    public record Tree(String name, List<Tree> children, Map<String, Tree> byName, Tree parent) {
    }

    public record Loose(JsonNode tree, Object any, Map<String, Object> extra, List<Object> list) {
    }

    public enum Color { RED, GREEN }

    public record Scalars(UUID id, BigDecimal amount, Color color, byte[] data, int[] xs, String[] names,
                          Set<String> tags, URI uri, AtomicReference<String> ref) {
    }

    public record Point(int x, int y) {
    }

    public record Page<T>(List<T> items, int total) {
    }

    public record Customer(String name, LocalDate birthday) {
    }

    /** The property leaves out the one field that would need a module. */
    public record Account(String id, @JsonIgnoreProperties("birthday") Customer owner) {
    }

    @JsonIgnoreProperties("day")
    public record Trimmed(String name, LocalDate day) {
    }

    /** Read-only: written, never read. */
    public static class Audit {
        public String name;
        @JsonProperty(access = JsonProperty.Access.READ_ONLY)
        public LocalDate created;
    }

    /** Write-only: read, never written. */
    public static class Secret {
        public String name;
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public LocalDate day;
    }

    /** The field is written but never read. */
    @JsonIgnoreProperties(value = "day", allowGetters = true)
    public record Shown(String name, LocalDate day) {
    }

    public static class Labelled {
        @JsonUnwrapped
        public XY at;
        public String label;
    }

    public static class XY {
        public int x;
        public int y;
    }

    public static class Open {
        public String name;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        @JsonAnyGetter
        public Map<String, Object> extra() {
            return extra;
        }

        @JsonAnySetter
        public void put(String key, Object value) {
            extra.put(key, value);
        }
    }

    /** Each handler takes its shape and returns it as the ack. */
    public static class Accepted extends SocketConnection {
        @Event public Hidden hidden(Hidden v) { return v; }
        @Event public Custom custom(Custom v) { return v; }
        @Event public CustomList customList(CustomList v) { return v; }
        @Event public Converted converted(Converted v) { return v; }
        @Event public Whole whole(Whole v) { return v; }
        @Event public Code code(Code v) { return v; }
        @Event public Tagged<LocalDate> tagged(Tagged<LocalDate> v) { return v; }
        @Event public Drawing drawing(Drawing v) { return v; }
        @Event public Tree tree(Tree v) { return v; }
        @Event public Loose loose(Loose v) { return v; }
        @Event public Scalars scalars(Scalars v) { return v; }
        @Event public Page<Point> page(Page<Point> v) { return v; }
        @Event public Map<String, Page<Point>> pages(Map<String, Page<Point>> v) { return v; }
        @Event public Account account(Account v) { return v; }
        @Event public Trimmed trimmed(Trimmed v) { return v; }
        @Event public Labelled labelled(Labelled v) { return v; }
        @Event public Open open(Open v) { return v; }

        /** Only read: what is only written does not count. */
        @Event
        public String audit(Audit audit, Shown shown) {
            return audit.name + shown.name() + shown.day();
        }

        /** Only written: what is only read does not count. */
        @Event
        public Secret secret() {
            Secret secret = new Secret();
            secret.name = "s";
            secret.day = LocalDate.of(2020, 1, 2);
            return secret;
        }

        /** Jackson writes a key with its toString: no module needed. */
        @Event
        public Map<LocalDate, String> byDay() {
            return Map.of(LocalDate.of(2020, 1, 2), "x");
        }
    }

    /** What a client sends to each handler, and the ack the server writes back. */
    private static final Map<String, String[]> ROUND_TRIPS = Map.ofEntries(
            Map.entry("hidden", new String[]{"{\"name\":\"a\"}", "{\"name\":\"a\"}"}),
            Map.entry("custom", new String[]{"{\"day\":\"2020-01-02\"}", "{\"day\":\"2020-01-02\"}"}),
            Map.entry("customList", new String[]{"{\"days\":[\"2020-01-02\"]}", "{\"days\":[\"2020-01-02\"]}"}),
            Map.entry("converted", new String[]{"{\"day\":\"2020-01-02\"}", "{\"day\":\"2020-01-02\"}"}),
            Map.entry("whole", new String[]{"\"2020-01-02\"", "\"2020-01-02\""}),
            Map.entry("code", new String[]{"\"2020-01-02\"", "\"2020-01-02\""}),
            Map.entry("tagged", new String[]{"\"t\"", "\"t\""}),
            Map.entry("drawing", new String[]{"{\"main\":{\"kind\":\"circle\",\"r\":1.0},"
                    + "\"shapes\":[{\"kind\":\"square\",\"side\":2.0}]}", null}),
            Map.entry("tree", new String[]{"{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[],"
                    + "\"byName\":{},\"parent\":null}],\"byName\":{},\"parent\":null}", null}),
            Map.entry("loose", new String[]{"{\"tree\":{\"a\":[1]},\"any\":\"x\",\"extra\":{\"b\":2},\"list\":[3]}",
                    null}),
            Map.entry("scalars", new String[]{"{\"id\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1.5,"
                    + "\"color\":\"GREEN\",\"data\":[1,2],\"xs\":[3],\"names\":[\"n\"],\"tags\":[\"t\"],"
                    + "\"uri\":\"http://example.com/\",\"ref\":\"r\"}",
                    "{\"id\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1.5,\"color\":\"GREEN\","
                    + "\"data\":\"AQI=\",\"xs\":[3],\"names\":[\"n\"],\"tags\":[\"t\"],"
                    + "\"uri\":\"http://example.com/\",\"ref\":\"r\"}"}),
            Map.entry("page", new String[]{"{\"items\":[{\"x\":1,\"y\":2}],\"total\":1}", null}),
            Map.entry("pages", new String[]{"{\"p\":{\"items\":[{\"x\":1,\"y\":2}],\"total\":1}}", null}),
            Map.entry("account", new String[]{"{\"id\":\"1\",\"owner\":{\"name\":\"a\"}}",
                    "{\"id\":\"1\",\"owner\":{\"name\":\"a\"}}"}),
            Map.entry("trimmed", new String[]{"{\"name\":\"a\"}", "{\"name\":\"a\"}"}),
            Map.entry("labelled", new String[]{"{\"x\":1,\"y\":2,\"label\":\"l\"}", "{\"x\":1,\"y\":2,\"label\":\"l\"}"}),
            Map.entry("open", new String[]{"{\"name\":\"a\",\"z\":[1]}", "{\"name\":\"a\",\"z\":[1]}"}));

    @Test
    void shapesJacksonReadsAndWritesWithTheMapperAsItIsRegisterAndBind() throws Exception {
        ConnectionInstaller.install(RegistrationNamespace.named("/test"), Accepted.class, Accepted::new,
                ConnectionOptions.DEFAULT);
        Fixtures.Wired<Accepted> w = new Fixtures.Wired<>(new Accepted()).open();
        for (Map.Entry<String, String[]> trip : ROUND_TRIPS.entrySet()) {
            String sent = trip.getValue()[0];
            String expected = trip.getValue()[1] == null ? sent : trip.getValue()[1];
            List<Object> ack = w.fire(trip.getKey(), "[" + sent + "]").only();
            assertTrue(w.errors.reports.isEmpty(), trip.getKey() + ": " + w.errors.reports);
            String written = Fixtures.MAPPER.writeValueAsString(ack.get(0));
            assertEquals(Fixtures.MAPPER.readTree(expected), Fixtures.MAPPER.readTree(written), trip.getKey());
        }
        assertEquals("{\"2020-01-02\":\"x\"}", Fixtures.MAPPER.writeValueAsString(w.fire("byDay", "[]").only().get(0)));
        assertEquals(List.of("abnull"), w.fire("audit", "[{\"name\": \"a\", \"created\": \"2020-01-02\"},"
                + " {\"name\": \"b\", \"day\": \"2020-01-02\"}]").only());
        assertEquals("{\"name\":\"s\"}", Fixtures.MAPPER.writeValueAsString(w.fire("secret", "[]").only().get(0)));
        assertFalse(w.errors.reports.iterator().hasNext(), w.errors.reports::toString);
    }
}
