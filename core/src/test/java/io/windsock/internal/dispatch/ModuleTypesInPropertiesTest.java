package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A record or bean whose property, at any depth, has a type the server's mapper handles only with a
 * module it lacks fails registration, as such a parameter or return type itself does: otherwise every
 * event that carries one fails at run time (the client gets {@code internal_error}). The message names
 * the handler, the property's path, its type and the module.
 */
class ModuleTypesInPropertiesTest {
    public record Customer(String name, LocalDate birthday) {
    }

    public record Order(String id, Customer customer) {
    }

    public record Note(Optional<String> text) {
    }

    public record Times(List<Instant> times) {
    }

    /** Refers to itself: the walk ends, and still finds the field. */
    public record Node(String name, List<Node> children, Node parent, LocalDate created) {
    }

    public record Page<T>(List<T> items, int total) {
    }

    public record Stamp(LocalDate day) {
    }

    public record Held(AtomicReference<LocalDate> ref) {
    }

    public record ByName(Map<String, Instant> seen) {
    }

    public record Spans(Instant[] starts) {
    }

    /** A bean of getters and setters, not final: its declared properties still count. */
    public static class Visit {
        private LocalDate day;

        public LocalDate getDay() {
            return day;
        }

        public void setDay(LocalDate day) {
            this.day = day;
        }
    }

    /** Each handler takes and returns its shape: both directions fail. */
    public static class ModuleTypes extends SocketConnection {
        @Event
        public Order order(Order order) {
            return order;
        }

        @Event
        public Note note(Note note) {
            return note;
        }

        @Event
        public Times times(Times times) {
            return times;
        }

        @Event
        public Node node(Node node) {
            return node;
        }

        @Event
        public Page<Stamp> page(Page<Stamp> page) {
            return page;
        }

        @Event
        public List<Order> orders(List<Order> orders) {
            return orders;
        }

        @Event
        public Held held(Held held) {
            return held;
        }

        @Event
        public ByName byName(ByName byName) {
            return byName;
        }

        @Event
        public Spans spans(Spans spans) {
            return spans;
        }

        @Event
        public CompletableFuture<Visit> visit(Visit visit) {
            return CompletableFuture.completedFuture(visit);
        }
    }

    /** The type parameter is bound where the handler is declared. */
    public static class Keeps<T> extends SocketConnection {
        @Event
        public T keep(T value) {
            return value;
        }
    }

    public static class KeepsStamps extends Keeps<Page<Stamp>> {
    }

    @Test
    void aPropertyThatNeedsAModuleTheMapperLacksFailsRegistrationNamingHandlerPathTypeAndModule() {
        String message = RegistrationNamespace.refusal(ModuleTypes.class);
        String needs = " needs a Jackson module the server's mapper lacks (register it on the mapper given to"
                + " WindsockOptions.objectMapper): ";
        assertTrue(message.contains("ModuleTypes.order(Order): parameter 1"
                + " (ModuleTypesInPropertiesTest.Order order): Order.customer.birthday: LocalDate" + needs), message);
        assertTrue(message.contains("ModuleTypes.order(Order): returns"
                + " ModuleTypesInPropertiesTest.Order: Order.customer.birthday: LocalDate" + needs), message);
        assertTrue(message.contains("parameter 1 (ModuleTypesInPropertiesTest.Order order): Order.customer.birthday:"
                + " LocalDate" + needs + "Java 8 date/time type `java.time.LocalDate` not supported by default: add Module"
                + " \"com.fasterxml.jackson.datatype:jackson-datatype-jsr310\""), message);
        assertTrue(message.contains("parameter 1 (ModuleTypesInPropertiesTest.Note note): Note.text: Optional<String>"
                + needs + "Java 8 optional type `java.util.Optional<java.lang.String>` not supported by default: add"
                + " Module \"com.fasterxml.jackson.datatype:jackson-datatype-jdk8\""), message);
        assertTrue(message.contains("Note.text: Optional<String>" + needs), message);
        assertTrue(message.contains("Times.times[]: Instant" + needs), message);
        assertTrue(message.contains("Node.created: LocalDate" + needs), message);
        assertTrue(message.contains("returns ModuleTypesInPropertiesTest.Page<ModuleTypesInPropertiesTest.Stamp>:"
                + " Page.items[].day: LocalDate" + needs), message);
        assertTrue(message.contains("(List<ModuleTypesInPropertiesTest.Order> orders): Order.customer.birthday:"), message);
        assertTrue(message.contains("Held.ref: LocalDate" + needs), message);
        assertTrue(message.contains("ByName.seen[]: Instant" + needs), message);
        assertTrue(message.contains("Spans.starts[]: Instant" + needs), message);
        assertTrue(message.contains("returns CompletableFuture<ModuleTypesInPropertiesTest.Visit>: Visit.day:"
                + " LocalDate" + needs), message);
        // Each of the ten handlers, once for its parameter and once for its return type.
        assertEquals(20, message.split("\n  - ").length - 1, message);
    }

    @Test
    void aTypeArgumentBoundByASubclassIsLookedInto() {
        String message = RegistrationNamespace.refusal(KeepsStamps.class);
        assertTrue(message.contains("Keeps.keep(Object): parameter 1 (ModuleTypesInPropertiesTest.Page"
                + "<ModuleTypesInPropertiesTest.Stamp> value): Page.items[].day: LocalDate needs"), message);
        assertTrue(message.contains("Keeps.keep(Object): returns ModuleTypesInPropertiesTest.Page"
                + "<ModuleTypesInPropertiesTest.Stamp>: Page.items[].day: LocalDate needs"), message);
    }

    @Test
    void whatRegistrationRefusesFailsEveryEventOtherwise() throws Exception {
        // Without the check, the mapper builds the parameter and then fails on every value: the
        // server's mistake, answered with internal_error whatever the client sends.
        Fixtures.Wired<ModuleTypes> w = new Fixtures.Wired<>(new ModuleTypes()).open();
        List<Object> ack = w.fire("order", "[{\"id\": \"1\", \"customer\": {\"name\": \"a\", \"birthday\":"
                + " \"2020-01-01\"}}]").only();
        assertEquals("internal_error", ((Map<?, ?>) ack.get(0)).get("error"), ack.toString());
        assertInstanceOf(IllegalStateException.class, w.errors.only().error());
        // And it writes none of them either.
        assertThrows(IOException.class, () -> Fixtures.MAPPER.writeValueAsString(
                new Order("1", new Customer("a", LocalDate.of(2020, 1, 1)))));
        assertThrows(IOException.class, () -> Fixtures.MAPPER.writeValueAsString(new Note(Optional.empty())));
    }

    @Test
    void aMapperWithAModuleForTheTypeAcceptsItInProperties() throws Exception {
        SimpleModule days = new SimpleModule()
                .addSerializer(LocalDate.class, new StdSerializer<>(LocalDate.class) {
                    @Override
                    public void serialize(LocalDate value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(value.toString());
                    }
                })
                .addDeserializer(LocalDate.class, new StdDeserializer<>(LocalDate.class) {
                    @Override
                    public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                        return LocalDate.parse(p.getValueAsString());
                    }
                });
        ObjectMapper mapper = new ObjectMapper().registerModule(days);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConnectionType.of(ModuleTypes.class).requireMapperSupport(ModuleTypes.class, mapper));
        // Only the types the module does not cover are left: Optional and Instant.
        String message = e.getMessage();
        assertTrue(!message.contains("LocalDate"), message);
        assertTrue(message.contains("Note.text: Optional<String> needs"), message);
        assertTrue(message.contains("Times.times[]: Instant needs"), message);
        assertEquals(8, message.split("\n  - ").length - 1, message);
        ConnectionType.of(KeepsStamps.class).requireMapperSupport(KeepsStamps.class, mapper);

        Fixtures.Wired<ModuleTypes> w = new Fixtures.Wired<>(new ModuleTypes(), ConnectionOptions.DEFAULT,
                new io.windsock.internal.json.JacksonJsonCodec(mapper).mapper()).open();
        Object order = w.fire("order", "[{\"id\": \"1\", \"customer\": {\"name\": \"a\", \"birthday\":"
                + " \"2020-01-01\"}}]").only().get(0);
        assertEquals(new Order("1", new Customer("a", LocalDate.of(2020, 1, 1))), order);
        assertEquals("{\"id\":\"1\",\"customer\":{\"name\":\"a\",\"birthday\":\"2020-01-01\"}}",
                mapper.writeValueAsString(order));
    }
}
