package io.windsock.internal.dispatch;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import com.fasterxml.jackson.databind.deser.std.ContainerDeserializerBase;
import com.fasterxml.jackson.databind.deser.std.ReferenceTypeDeserializer;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Whether some property of a bean parameter type, at any depth, has a type the mapper can never build:
 * one Jackson supports only through a module the mapper lacks (a {@code LocalDate} field without
 * JavaTimeModule, an {@code Optional<String>} one without Jdk8Module), an abstract type with no
 * type information nor mapping (a {@code Shape} interface field), or a class Jackson cannot instantiate
 * (no usable constructor, a non-static inner class): every value that holds one, but {@code null},
 * then fails to bind, and the client would get an internal error for each event. The walk follows the
 * deserializers the mapper gave the bean (so its modules, mix-ins and annotations decide, {@code @JsonIgnore} and
 * {@code @JsonDeserialize(using = ...)} included): into each property it reads, a container's
 * elements or map values, a reference type's content. It stops where a deserializer of the
 * application's or of a module does the work, and at a bean built through a delegating creator,
 * whose properties Jackson then does not read: when unsure, it accepts.
 */
final class DeserializableProperties {
    /** How deep, and through how many deserializers, one check goes before it accepts: generic types can nest without end. */
    private static final int MAX_DEPTH = 32;
    private static final int MAX_STEPS = 2_000;

    private final DeserializationContext context;
    /** Bean types already walked: a record that holds itself, or a type reached twice, is walked once. */
    private final Set<JavaType> seen = new HashSet<>();
    private int steps;

    private DeserializableProperties(DeserializationContext context) {
        this.context = context;
    }

    /**
     * @param bean the deserializer the mapper built for {@code type}
     * @return why the mapper can never build some property of the bean, naming its path, the type and
     *         what is missing (a module, type information, a constructor); or null if it can (or cannot tell)
     */
    static String problem(DeserializationContext context, BeanDeserializerBase bean, JavaType type) {
        return new DeserializableProperties(context).properties(bean, type, type.getRawClass().getSimpleName(), 0);
    }

    private String properties(BeanDeserializerBase bean, JavaType type, String path, int depth) {
        ValueInstantiator instantiator = bean.getValueInstantiator();
        if (instantiator != null && (instantiator.canCreateUsingDelegate() || instantiator.canCreateUsingArrayDelegate())
                || !seen.add(type)) {
            return null;
        }
        Iterator<SettableBeanProperty> properties;
        try {
            properties = bean.properties(); // the creator's too; not those ignored
        } catch (RuntimeException e) {
            return null; // not resolved yet
        }
        while (properties.hasNext()) {
            SettableBeanProperty property = properties.next();
            if (property.isIgnorable()) {
                continue;
            }
            String problem = deserializer(property.getValueDeserializer(), property.getType(), property,
                    path + "." + property.getName(), depth + 1);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String deserializer(JsonDeserializer<?> deserializer, JavaType type, BeanProperty property, String path,
                                int depth) {
        if (deserializer == null) {
            if (type == null || type.isPrimitive() || type.isJavaLangObject()) {
                return null;
            }
            try {
                deserializer = context.findContextualValueDeserializer(type, property);
            } catch (JsonMappingException | RuntimeException e) {
                return null; // Jackson reports it on the value
            }
        }
        if (deserializer instanceof UnsupportedTypeDeserializer) {
            return DeserializableTypes.moduleProblem(context, deserializer,
                    path + ": " + HandlerScanner.simpleName(type.toCanonical()));
        }
        if (deserializer instanceof AbstractDeserializer) {
            return neverBuilt(type, property) ? path + ": " + HandlerScanner.simpleName(type.toCanonical())
                    + DeserializableTypes.ABSTRACT : null;
        }
        if (depth >= MAX_DEPTH || ++steps > MAX_STEPS) {
            return null;
        }
        if (deserializer instanceof BeanDeserializerBase bean) {
            JavaType built = bean.getValueType() != null ? bean.getValueType() : type;
            if (built.isAbstract()) {
                return null;
            }
            String own = context.getConfig().getProblemHandlers() != null ? null
                    : DeserializableTypes.instantiationProblem(bean, built);
            return own != null ? path + ": " + own : properties(bean, built, path, depth);
        }
        if (deserializer instanceof ContainerDeserializerBase<?> container) {
            JavaType content = container.getContentType();
            return content == null ? null
                    : deserializer(container.getContentDeserializer(), content, property, path + "[]", depth + 1);
        }
        if (deserializer instanceof ReferenceTypeDeserializer<?> && type.isReferenceType()
                && !hasContentDeserializer(property)) {
            return deserializer(null, type.getReferencedType(), property, path, depth + 1);
        }
        return null; // a scalar, or a deserializer of the application's or a module's: it knows its type
    }

    /**
     * Whether Jackson fails on every value of this abstract type but {@code null}, as its
     * {@link AbstractDeserializer} does without type information: none on the type (its own
     * {@code @JsonTypeInfo}, the mapper's default typing) nor on the property, no problem handler on the
     * mapper that could build one. (It takes a string or number as is only when it has type information:
     * a {@code Comparable} property fails on {@code 5} too.)
     */
    private boolean neverBuilt(JavaType type, BeanProperty property) {
        if (context.getConfig().getProblemHandlers() != null) {
            return false;
        }
        if (property instanceof SettableBeanProperty settable && settable.hasValueTypeDeserializer()) {
            return false;
        }
        AnnotatedMember member = property == null ? null : property.getMember();
        if (member != null && member.hasAnnotation(JsonTypeInfo.class)) {
            return false; // on a container property it types the elements
        }
        try {
            return context.getFactory().findTypeDeserializer(context.getConfig(), type) == null;
        } catch (JsonMappingException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the property names a deserializer or converter for its content, which then reads it. */
    private boolean hasContentDeserializer(BeanProperty property) {
        AnnotatedMember member = property == null ? null : property.getMember();
        AnnotationIntrospector annotations = context.getAnnotationIntrospector();
        return member != null && annotations != null && (annotations.findContentDeserializer(member) != null
                || annotations.findDeserializationContentConverter(member) != null);
    }
}
