package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import com.fasterxml.jackson.databind.deser.std.ContainerDeserializerBase;
import com.fasterxml.jackson.databind.deser.std.ReferenceTypeDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether an application's mapper can ever build a value of a parameter type. Jackson creates a
 * deserializer for a class it cannot instantiate without complaint and fails only on the first
 * value, so a handler whose parameter it can never build would pass registration and then report
 * every event as the client's bad arguments. This asks the deserializer Jackson would use (so the
 * application's modules, mix-ins and annotations count) whether it can instantiate, for the type
 * and, recursively, for its elements and the type arguments of a bean, container or reference type (a
 * deserializer of the application's or a module's uses its type's arguments as it likes, if at all).
 *
 * <p>Inside a bean it looks for a property (at any depth, through its elements, map values and
 * reference content) of a type the mapper can never build, as {@link DeserializableProperties} finds it.
 */
final class DeserializableTypes {
    /** Why an abstract type without type information or mapping is refused, after its name. */
    static final String ABSTRACT = " is an abstract type Jackson cannot instantiate; use a concrete type, or annotate it"
            + " (@JsonTypeInfo, @JsonDeserialize(as = ...)) or map it on the mapper (SimpleModule.addAbstractTypeMapping)";

    private DeserializableTypes() {
    }

    /**
     * @return whether the mapper handles this type only with a deserializer that fails on every value
     *         (a module it lacks); false when it cannot even tell
     */
    static boolean needsModule(ObjectMapper mapper, JavaType type) {
        try {
            DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createDummyInstance(mapper.getDeserializationConfig());
            return context.findRootValueDeserializer(type) instanceof UnsupportedTypeDeserializer;
        } catch (JsonMappingException | RuntimeException e) {
            return false;
        }
    }

    /** @return why the mapper can never build a value of this type, or null if it can */
    static String problem(ObjectMapper mapper, JavaType type) {
        DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createDummyInstance(mapper.getDeserializationConfig());
        return problem(context, type, new HashSet<>(), true);
    }

    /**
     * @param properties whether to look into a bean's properties: not for a type argument (a bean's own are
     *                   looked into through its properties, as bound; another type may not use them as such)
     */
    private static String problem(DeserializationContext context, JavaType type, Set<JavaType> seen, boolean properties) {
        if (type.isPrimitive() || type.getRawClass() == Object.class || !seen.add(type)) {
            return null;
        }
        String shown = HandlerScanner.simpleName(type.toCanonical());
        JsonDeserializer<?> deserializer;
        try {
            deserializer = context.findRootValueDeserializer(type);
        } catch (JsonMappingException | IllegalArgumentException e) {
            return shown + " cannot be deserialized by Jackson: " + HandlerScanner.simpleName(firstLine(e.getMessage()));
        }
        String own = deserializer instanceof UnsupportedTypeDeserializer
                ? moduleProblem(context, deserializer, type) : instantiationProblem(deserializer, type);
        if (own != null) {
            return own;
        }
        if (properties && deserializer instanceof BeanDeserializerBase bean) {
            String inner = DeserializableProperties.problem(context, bean, type);
            if (inner != null) {
                return inner;
            }
        }
        // Element and value types get their deserializers without complaint too: check each.
        if (type.isMapLikeType()) {
            return problem(context, type.getContentType(), seen, properties); // keys: Jackson refuses bad ones itself
        }
        if (type.getContentType() != null) {
            String inner = problem(context, type.getContentType(), seen, properties);
            if (inner != null) {
                return inner;
            }
        }
        if (!(deserializer instanceof BeanDeserializerBase || deserializer instanceof ContainerDeserializerBase<?>
                || deserializer instanceof ReferenceTypeDeserializer<?>)) {
            return null; // the application's or a module's deserializer: it uses the type arguments as it likes
        }
        for (int i = 0; i < type.containedTypeCount(); i++) {
            String inner = problem(context, type.containedType(i), seen, false);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    /**
     * Jackson gives a type it supports only through a module (java.time without JavaTimeModule,
     * {@code OptionalInt} without Jdk8Module) a deserializer that fails on every value; its message,
     * got by asking it for one, names the module.
     */
    private static String moduleProblem(DeserializationContext context, JsonDeserializer<?> deserializer, JavaType type) {
        return moduleProblem(context, deserializer, HandlerScanner.simpleName(type.getRawClass().getName()));
    }

    /** @param name how the message names the type, e.g. {@code Order.customer.birthday: LocalDate} */
    static String moduleProblem(DeserializationContext context, JsonDeserializer<?> deserializer, String name) {
        String reason;
        try (JsonParser p = new JsonFactory().createParser("0")) {
            p.nextToken();
            deserializer.deserialize(p, context);
            return null; // it built one after all
        } catch (InvalidDefinitionException e) {
            reason = firstLine(e.getOriginalMessage()); // whole: it names the module by its Maven coordinates
        } catch (IOException | RuntimeException e) {
            reason = firstLine(e.getMessage());
        }
        return name + " needs a Jackson module the server's mapper lacks (register it on the mapper given to"
                + " WindsockOptions.objectMapper): " + reason;
    }

    static String instantiationProblem(JsonDeserializer<?> deserializer, JavaType type) {
        String name = HandlerScanner.simpleName(type.getRawClass().getName());
        if (deserializer instanceof AbstractDeserializer) {
            return name + ABSTRACT;
        }
        if (!(deserializer instanceof BeanDeserializerBase bean)) {
            return null; // a custom or built-in deserializer knows how to build its type
        }
        if (ClassUtil.isNonStaticInnerClass(type.getRawClass())) {
            return name + " is a non-static inner class, which Jackson cannot instantiate; make it static";
        }
        ValueInstantiator instantiator = bean.getValueInstantiator();
        if (instantiator != null && !instantiator.canInstantiate()) {
            return name + " has no constructor Jackson can use; add a no-argument one or mark one @JsonCreator";
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
