package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonFilter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.impl.SimpleBeanPropertyFilter;
import com.fasterxml.jackson.databind.ser.impl.SimpleFilterProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.dispatch.PropertyTypesAcceptedTest.Customer;
import io.windsock.internal.dispatch.PropertyTypesAcceptedTest.DayReader;
import io.windsock.internal.dispatch.PropertyTypesAcceptedTest.DayWriter;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The mapper's own configuration decides what a record's or POJO's properties need: a mix-in, a
 * module of the application's, a filter or a feature switch that takes care of a property makes its
 * type register, and bind.
 */
class PropertyTypesByMapperTest {
    public static class Person {
        public String name;
        public LocalDate birthday;
    }

    public abstract static class PersonWithoutBirthday {
        @JsonIgnore
        public LocalDate birthday;
    }

    public abstract static class CustomerDaysAsText {
        @JsonSerialize(using = DayWriter.class)
        @JsonDeserialize(using = DayReader.class)
        public abstract LocalDate birthday();
    }

    public record Memo(String text, Optional<String> signature) {
    }

    public static class MapperDependent extends SocketConnection {
        @Event public Person person(Person v) { return v; }
        @Event public Customer customer(Customer v) { return v; }
        @Event public Memo memo(Memo v) { return v; }
    }

    /** Written through a filter the mapper has: the filter decides per value which properties go out. */
    @JsonFilter("withoutDay")
    public record Filtered(String name, LocalDate day) {
    }

    public static class ReturnsMemo extends SocketConnection {
        @Event
        public Memo memo() {
            return new Memo("t", Optional.of("s"));
        }

        @Event
        public Filtered filtered() {
            return new Filtered("a", LocalDate.of(2020, 1, 2));
        }
    }

    /** The mapper's own view decides: mix-ins, a module of the application's. */
    @Test
    void whatTheMappersConfigurationTakesCareOfRegistersAndBinds() throws Exception {
        ConnectionType type = ConnectionType.of(MapperDependent.class);
        String refused = assertThrows(IllegalArgumentException.class,
                () -> type.requireMapperSupport(MapperDependent.class, new ObjectMapper())).getMessage();
        assertTrue(refused.contains("Person.birthday: LocalDate needs"), refused);
        assertTrue(refused.contains("Customer.birthday: LocalDate needs"), refused);
        assertTrue(refused.contains("Memo.signature: Optional<String> needs"), refused);

        @SuppressWarnings({"rawtypes", "unchecked"})
        SimpleModule optionals = new SimpleModule()
                .addSerializer(new StdSerializer<Optional>(Optional.class) {
                    @Override
                    public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        provider.defaultSerializeValue(value.orElse(null), gen);
                    }
                })
                .addDeserializer(Optional.class, new StdDeserializer<Optional>(Optional.class) {
                    @Override
                    public Optional deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                        return Optional.ofNullable(p.getValueAsString());
                    }
                });
        ObjectMapper configured = new ObjectMapper()
                .addMixIn(Person.class, PersonWithoutBirthday.class)
                .addMixIn(Customer.class, CustomerDaysAsText.class)
                .registerModule(optionals);
        type.requireMapperSupport(MapperDependent.class, configured);

        ObjectMapper mapper = new io.windsock.internal.json.JacksonJsonCodec(configured).mapper();
        Fixtures.Wired<MapperDependent> w = new Fixtures.Wired<>(new MapperDependent(), ConnectionOptions.DEFAULT,
                mapper).open();
        assertEquals("{\"name\":\"a\"}",
                mapper.writeValueAsString(w.fire("person", "[{\"name\": \"a\"}]").only().get(0)));
        assertEquals("{\"name\":\"a\",\"birthday\":\"2020-01-02\"}", mapper.writeValueAsString(
                w.fire("customer", "[{\"name\": \"a\", \"birthday\": \"2020-01-02\"}]").only().get(0)));
        assertEquals("{\"text\":\"t\",\"signature\":\"s\"}", mapper.writeValueAsString(
                w.fire("memo", "[{\"text\": \"t\", \"signature\": \"s\"}]").only().get(0)));
        assertTrue(w.errors.reports.isEmpty(), w.errors.reports::toString);

        // With the feature off, the mapper writes an Optional as the bean it is, without a module.
        ObjectMapper lenient = JsonMapper.builder().disable(MapperFeature.REQUIRE_HANDLERS_FOR_JAVA8_OPTIONALS)
                .filterProvider(new SimpleFilterProvider().addFilter("withoutDay",
                        SimpleBeanPropertyFilter.serializeAllExcept("day")))
                .build();
        ConnectionType.of(ReturnsMemo.class).requireMapperSupport(ReturnsMemo.class, lenient);
        assertTrue(lenient.writeValueAsString(new ReturnsMemo().memo()).contains("\"signature\":{"));
        assertEquals("{\"name\":\"a\"}", lenient.writeValueAsString(new ReturnsMemo().filtered()));
    }
}
