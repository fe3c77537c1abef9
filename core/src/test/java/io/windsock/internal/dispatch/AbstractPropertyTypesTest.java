package io.windsock.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.windsock.connection.ConnectionOptions;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.json.JacksonJsonCodec;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A property of a parameter type, at any depth, whose type the mapper can never build (an abstract
 * type without type information or mapping, a class without a usable constructor) fails registration
 * naming its path, as such a parameter type itself does: otherwise every event carrying one fails at
 * run time with {@code internal_error}. What Jackson can build (type information on the type or the
 * property, a concrete type named, a mapping or default typing on the mapper, a problem handler, the
 * abstract types Jackson maps itself) registers, and binds.
 */
class AbstractPropertyTypesTest {
    public interface Shape {
    }

    public record Circle(double r) implements Shape {
    }

    public abstract static class Animal {
        public String name;
    }

    public static class NoCtor {
        public NoCtor(int a, int b) {
        }
    }

    public class Inner { // not static
        public int v;
    }

    public record Order(String id, Shape shape) {
    }

    public record Drawing(List<Shape> shapes) {
    }

    public record Named(Map<String, Shape> byName) {
    }

    public record Held(AtomicReference<Shape> ref) {
    }

    public record Zoo(Animal star) {
    }

    public record Boxed(NoCtor inside) {
    }

    public record Nested(Order order) {
    }

    public static class HasInner {
        public Inner inner;
    }

    public static class Refused extends SocketConnection {
        @Event public void order(Order o) { }

        @Event public void drawing(Drawing d) { }

        @Event public void named(Named n) { }

        @Event public void held(Held h) { }

        @Event public void zoo(Zoo z) { }

        @Event public void boxed(Boxed b) { }

        @Event public void nested(List<Nested> n) { }

        @Event public void hasInner(HasInner h) { }

        @Event public void ranked(Ranked r) { }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes(@JsonSubTypes.Type(value = Square.class, name = "square"))
    public interface Typed {
    }

    public record Square(double side) implements Typed {
    }

    public record TypedOnType(Typed shape, List<Typed> more) {
    }

    public record TypedOnProperty(
            @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Shape shape,
            @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) List<Shape> more) {
    }

    public record NamedConcrete(@JsonDeserialize(as = Circle.class) Shape shape) {
    }

    /** Types Jackson maps itself: {@code Serializable} as {@code Object}, {@code CharSequence} as {@code String}. */
    public record Natural(Serializable anything, CharSequence text) {
    }

    /** Abstract, and without type information Jackson takes not even a number as one. */
    public record Ranked(Comparable<?> rank) {
    }

    public static class CircleReader extends StdDeserializer<Shape> {
        public CircleReader() {
            super(Shape.class);
        }

        @Override
        public Shape deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return new Circle(p.getValueAsDouble());
        }
    }

    public record OwnReader(@JsonDeserialize(using = CircleReader.class) Shape shape) {
    }

    @JsonIgnoreProperties("shape")
    public record Ignored(String id, Shape shape) {
    }

    public static class Accepted extends SocketConnection {
        @Event public TypedOnType onType(TypedOnType t) { return t; }

        @Event public TypedOnProperty onProperty(TypedOnProperty t) { return t; }

        @Event public NamedConcrete concrete(NamedConcrete c) { return c; }

        @Event public Natural natural(Natural n) { return n; }

        @Event public OwnReader own(OwnReader o) { return o; }

        @Event public Ignored ignored(Ignored i) { return i; }
    }

    /** Only what the mapper decides about: a mapping, default typing or a problem handler makes it pass. */
    public static class NeedsTheMapper extends SocketConnection {
        @Event public Order order(Order o) { return o; }

        @Event public Drawing drawing(Drawing d) { return d; }
    }

    @Test
    void aPropertyTheMapperCanNeverBuildFailsRegistrationNamingItsPath() {
        String message = RegistrationNamespace.refusal(Refused.class);
        String shape = "AbstractPropertyTypesTest.Shape is an abstract type Jackson cannot instantiate; use a"
                + " concrete type, or annotate it (@JsonTypeInfo, @JsonDeserialize(as = ...)) or map it on the mapper"
                + " (SimpleModule.addAbstractTypeMapping)";
        assertTrue(message.contains("Refused.order(Order): parameter 1 (AbstractPropertyTypesTest.Order o):"
                + " Order.shape: " + shape), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Drawing d): Drawing.shapes[]: " + shape), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Named n): Named.byName[]: " + shape), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Held h): Held.ref: " + shape), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Zoo z): Zoo.star: AbstractPropertyTypesTest.Animal"
                + " is an abstract type"), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Boxed b): Boxed.inside: AbstractPropertyTypesTest.NoCtor"
                + " has no constructor Jackson can use; add a no-argument one or mark one @JsonCreator"), message);
        assertTrue(message.contains("(List<AbstractPropertyTypesTest.Nested> n): Nested.order.shape: " + shape), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.HasInner h): HasInner.inner:"
                + " AbstractPropertyTypesTest.Inner is a non-static inner class"), message);
        assertTrue(message.contains("(AbstractPropertyTypesTest.Ranked r): Ranked.rank: Comparable is an abstract"
                + " type"), message);
        assertEquals(9, message.split("\n  - ").length - 1, message);
    }

    @Test
    void whatJacksonCanBuildRegistersAndBinds() throws Exception {
        RegistrationNamespace.register(Accepted.class);
        Fixtures.Wired<Accepted> w = new Fixtures.Wired<>(new Accepted()).open();
        assertEquals(new TypedOnType(new Square(2), List.of(new Square(3))), w.fire("onType",
                "[{\"shape\": {\"kind\": \"square\", \"side\": 2}, \"more\": [{\"kind\": \"square\", \"side\": 3}]}]")
                .only().get(0));
        String circle = "{\"@class\": \"" + Circle.class.getName() + "\", \"r\": 1}";
        assertEquals(new TypedOnProperty(new Circle(1), List.of(new Circle(1))),
                w.fire("onProperty", "[{\"shape\": " + circle + ", \"more\": [" + circle + "]}]").only().get(0));
        assertEquals(new NamedConcrete(new Circle(4)), w.fire("concrete", "[{\"shape\": {\"r\": 4}}]").only().get(0));
        assertEquals(new Natural(5, "b"), w.fire("natural", "[{\"anything\": 5, \"text\": \"b\"}]").only().get(0));
        assertEquals(new OwnReader(new Circle(6)), w.fire("own", "[{\"shape\": 6}]").only().get(0));
        assertEquals(new Ignored("x", null), w.fire("ignored", "[{\"id\": \"x\", \"shape\": {}}]").only().get(0));
        assertTrue(w.errors.reports.isEmpty(), w.errors.reports.toString());
    }

    @Test
    void aMappingOnTheMapperMakesTheTypeBuildable() throws Exception {
        ObjectMapper mapper = new ObjectMapper().registerModule(
                new SimpleModule().addAbstractTypeMapping(Shape.class, Circle.class));
        ConnectionType.of(NeedsTheMapper.class).requireMapperSupport(NeedsTheMapper.class, mapper);
        Fixtures.Wired<NeedsTheMapper> w = new Fixtures.Wired<>(new NeedsTheMapper(), ConnectionOptions.DEFAULT,
                new JacksonJsonCodec(mapper).mapper()).open();
        assertEquals(new Order("1", new Circle(2)),
                w.fire("order", "[{\"id\": \"1\", \"shape\": {\"r\": 2}}]").only().get(0));
        assertEquals(new Drawing(List.of(new Circle(3))),
                w.fire("drawing", "[{\"shapes\": [{\"r\": 3}]}]").only().get(0));
    }

    @Test
    void defaultTypingOrAProblemHandlerOnTheMapperLetsItThrough() {
        ObjectMapper typing = new ObjectMapper().activateDefaultTyping(BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(Circle.class).build(), ObjectMapper.DefaultTyping.NON_FINAL);
        ConnectionType.of(NeedsTheMapper.class).requireMapperSupport(NeedsTheMapper.class, typing);
        ObjectMapper handled = new ObjectMapper().addHandler(new DeserializationProblemHandler() {
            @Override
            public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                                    ValueInstantiator valueInsta, JsonParser p, String msg) {
                return new Circle(0);
            }
        });
        ConnectionType.of(NeedsTheMapper.class).requireMapperSupport(NeedsTheMapper.class, handled);
        String plain = assertThrows(IllegalArgumentException.class, () -> ConnectionType.of(NeedsTheMapper.class)
                .requireMapperSupport(NeedsTheMapper.class, new ObjectMapper())).getMessage();
        assertTrue(plain.contains("Order.shape: AbstractPropertyTypesTest.Shape is an abstract type"), plain);
        assertFalse(plain.contains("returns"), plain); // writing one is fine: Jackson writes the value's class
    }

    /** Pinned so that a Jackson upgrade that changes what it builds for these shapes shows here. */
    @Test
    void withoutTheCheckEveryValueButNullFails() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JavaType order = mapper.constructType(Order.class);
        assertThrows(IOException.class, () -> mapper.readValue("{\"id\": \"1\", \"shape\": {}}", order));
        assertThrows(IOException.class, () -> mapper.readValue("{\"inside\": {}}", Boxed.class));
        assertThrows(IOException.class, () -> mapper.readValue("{\"rank\": 5}", Ranked.class));
        assertEquals(new Order("1", null), mapper.readValue("{\"id\": \"1\"}", order));
    }
}
