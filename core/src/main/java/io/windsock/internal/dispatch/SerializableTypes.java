package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether an application's mapper can write a handler's return value. Jackson gives a type it
 * supports only through a module ({@code Optional} without Jdk8Module, java.time without
 * JavaTimeModule) a serializer that fails on every value, so such a handler would pass
 * registration and then answer every ack with an internal error: the return-side twin of the
 * module check of {@link DeserializableTypes}, looking as far (the type, its elements and type
 * arguments; not the properties of a bean).
 */
final class SerializableTypes {
    private SerializableTypes() {
    }

    /** @return why the mapper can never write a value of this type, or null if it can (or cannot tell) */
    static String moduleProblem(ObjectMapper mapper, JavaType type) {
        return moduleProblem(mapper.getSerializerProviderInstance(), mapper, type, new HashSet<>());
    }

    private static String moduleProblem(SerializerProvider provider, ObjectMapper mapper, JavaType type,
                                        Set<JavaType> seen) {
        if (type.isPrimitive() || type.getRawClass() == Object.class || !seen.add(type)) {
            return null;
        }
        JsonSerializer<Object> serializer;
        try {
            serializer = provider.findValueSerializer(type);
        } catch (JsonMappingException | RuntimeException e) {
            return null; // Jackson reports it on the value, as before
        }
        if (serializer instanceof UnsupportedTypeSerializer) {
            return HandlerScanner.simpleName(type.getRawClass().getName()) + " needs a Jackson module the server's"
                    + " mapper lacks (register it on the mapper given to WindsockOptions.objectMapper): "
                    + reason(serializer, provider, mapper);
        }
        if (type.getContentType() != null) {
            String inner = moduleProblem(provider, mapper, type.getContentType(), seen);
            if (inner != null) {
                return inner;
            }
        }
        for (int i = 0; i < type.containedTypeCount(); i++) {
            String inner = moduleProblem(provider, mapper, type.containedType(i), seen);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    /** The serializer's own message, got by asking it to write a value: it names the module. */
    private static String reason(JsonSerializer<Object> serializer, SerializerProvider provider, ObjectMapper mapper) {
        try (JsonGenerator generator = mapper.getFactory().createGenerator(new StringWriter())) {
            serializer.serialize(null, generator, provider);
            return "(no message)";
        } catch (InvalidDefinitionException e) {
            return firstLine(e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            return firstLine(e.getMessage());
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
