package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.ContainerSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.ReferenceTypeSerializer;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Whether an application's mapper can write a handler's return value. Jackson gives a type it
 * supports only through a module ({@code Optional} without Jdk8Module, java.time without
 * JavaTimeModule) a serializer that fails on every value, so such a handler would pass
 * registration and then answer every ack with an internal error: the return-side twin of the
 * module check of {@link DeserializableTypes}.
 *
 * <p>The walk follows the serializers the mapper builds, so its modules, mix-ins and annotations
 * decide: into a bean's properties (those it writes, with the serializer each one gets, and their
 * type arguments as bound where the handler declares the type), a container's elements or map
 * values, a reference type's content. It stops wherever the value's runtime class decides (an
 * abstract type, {@code Object}) or a serializer of the application's or of a module does the work,
 * since those may write the value any way they like: when unsure, it accepts.
 */
final class SerializableTypes {
    /** How deep, and through how many serializers, one check goes before it accepts: generic types can nest without end. */
    private static final int MAX_DEPTH = 32;
    private static final int MAX_STEPS = 2_000;

    private SerializableTypes() {
    }

    /** @return why the mapper can never write a value of this type, or null if it can (or cannot tell) */
    static String moduleProblem(ObjectMapper mapper, JavaType type) {
        return new Walk(mapper).type(type, null, null, 0);
    }

    private static final class Walk {
        private final ObjectMapper mapper;
        private final SerializerProvider provider;
        /** Bean types already walked: a record that holds itself, or a type reached twice, is walked once. */
        private final Set<JavaType> seen = new HashSet<>();
        private int steps;

        Walk(ObjectMapper mapper) {
            this.mapper = mapper;
            this.provider = mapper.getSerializerProviderInstance();
        }

        /**
         * @param property the property that holds the value (its annotations count), or null for what the handler returns
         * @param path     where the value sits, such as {@code Order.customer.birthday}; null for what the handler returns
         */
        String type(JavaType type, BeanProperty property, String path, int depth) {
            if (type.isPrimitive() || type.isJavaLangObject()) {
                return null;
            }
            JsonSerializer<Object> serializer;
            try {
                serializer = property == null ? provider.findValueSerializer(type)
                        : provider.findValueSerializer(type, property);
            } catch (JsonMappingException | RuntimeException e) {
                return null; // Jackson reports it on the value, as before
            }
            return serializer(serializer, type, property, path, depth);
        }

        private String serializer(JsonSerializer<?> serializer, JavaType type, BeanProperty property, String path,
                                  int depth) {
            if (serializer instanceof UnsupportedTypeSerializer) {
                @SuppressWarnings("unchecked")
                String reason = reason((JsonSerializer<Object>) serializer);
                String name = path == null ? HandlerScanner.simpleName(type.getRawClass().getName())
                        : path + ": " + HandlerScanner.simpleName(type.toCanonical());
                return name + " needs a Jackson module the server's mapper lacks (register it on the mapper given to"
                        + " WindsockOptions.objectMapper): " + reason;
            }
            if (depth >= MAX_DEPTH || ++steps > MAX_STEPS) {
                return null;
            }
            if (serializer instanceof BeanSerializerBase bean) {
                return properties(bean, type, path, depth);
            }
            if (serializer instanceof ContainerSerializer<?> container) {
                JavaType content = container.getContentType();
                if (content == null) {
                    return null;
                }
                String elements = path == null ? null : path + "[]";
                JsonSerializer<?> contentSerializer = container.getContentSerializer();
                return contentSerializer == null ? type(content, property, elements, depth + 1)
                        : serializer(contentSerializer, content, property, elements, depth + 1);
            }
            if (serializer instanceof ReferenceTypeSerializer<?> && type.isReferenceType()
                    && !hasContentSerializer(property)) {
                return type(type.getReferencedType(), property, path, depth + 1);
            }
            return null; // a scalar, or a serializer of the application's or a module's: it knows its type
        }

        /** The properties the bean's serializer writes, each with the serializer it was given, or would get. */
        private String properties(BeanSerializerBase bean, JavaType type, String path, int depth) {
            // An abstract type's serializer is not the one its values get: their class decides (polymorphism).
            // A filter (@JsonFilter) picks the properties per value.
            if (type.isAbstract() || filtered(type) || !seen.add(type)) {
                return null;
            }
            String owner = path == null ? type.getRawClass().getSimpleName() : path;
            for (Iterator<PropertyWriter> it = bean.properties(); it.hasNext(); ) {
                if (!(it.next() instanceof BeanPropertyWriter writer)) {
                    continue;
                }
                String at = owner + "." + writer.getName();
                JavaType declared = writer.getSerializationType() != null ? writer.getSerializationType() : writer.getType();
                String problem = writer.hasSerializer()
                        ? serializer(writer.getSerializer(), declared, writer, at, depth + 1)
                        : type(declared, writer, at, depth + 1); // not final: Jackson looks it up per value, the same way
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }

        private boolean filtered(JavaType type) {
            AnnotationIntrospector annotations = provider.getAnnotationIntrospector();
            return annotations != null && annotations.findFilterId(
                    provider.getConfig().introspectClassAnnotations(type).getClassInfo()) != null;
        }

        /** Whether the property names a serializer or converter for its content, which then writes it. */
        private boolean hasContentSerializer(BeanProperty property) {
            AnnotatedMember member = property == null ? null : property.getMember();
            AnnotationIntrospector annotations = provider.getAnnotationIntrospector();
            return member != null && annotations != null && (annotations.findContentSerializer(member) != null
                    || annotations.findSerializationContentConverter(member) != null);
        }

        /** The serializer's own message, got by asking it to write a value: it names the module. */
        private String reason(JsonSerializer<Object> serializer) {
            try (JsonGenerator generator = mapper.getFactory().createGenerator(new StringWriter())) {
                serializer.serialize(null, generator, provider);
                return "(no message)";
            } catch (InvalidDefinitionException e) {
                return firstLine(e.getOriginalMessage());
            } catch (IOException | RuntimeException e) {
                return firstLine(e.getMessage());
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
