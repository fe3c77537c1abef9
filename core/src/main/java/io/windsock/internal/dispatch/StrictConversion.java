package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The mapper that converts incoming values to handler parameter types unless a namespace asked for
 * lenient conversion: a copy of the application's mapper (its modules and settings kept) that
 * refuses every conversion changing the kind of a value or dropping part of it. A JSON number with
 * a fraction never becomes an integer type; a string never a number or a boolean; a number or
 * boolean never a string or a boolean/number; {@code null} never a primitive; a number out of the
 * target's range (an {@code int} from 2^40, a {@code byte} from 300, a {@code float} from 1e300, a
 * {@code double} from 1e400) is a mismatch, never a wrap or an infinity; binary never a string and
 * a string never binary ({@code byte[]}, {@code Byte[]}, {@code ByteBuffer}); two keys of an object
 * never one key of a map ({@link StrictMaps}). The rules hold inside arrays, collections, records
 * and POJOs too. A number beyond a double's range, which the wire reader holds as an infinity,
 * binds to no type at all ({@link ParamBinding} refuses it for the types that take it as it is).
 * Floating-point types take the nearest value they hold: that rounding is the one change left.
 */
final class StrictConversion {
    /** One strict copy per application mapper; weak, so a stopped server's mapper can go. */
    private static final Map<ObjectMapper, ObjectMapper> COPIES = Collections.synchronizedMap(new WeakHashMap<>());
    /** The attribute that marks a strict copy's deserialization config. */
    private static final String STRICT = "io.windsock.strict-conversion";

    private StrictConversion() {
    }

    static ObjectMapper of(ObjectMapper application) {
        return COPIES.computeIfAbsent(application, StrictConversion::strictCopy);
    }

    /** @return whether the mapper is a strict copy made here (a field read and a small map lookup). */
    static boolean isStrict(ObjectMapper mapper) {
        return mapper.getDeserializationConfig().getAttributes().getAttribute(STRICT) != null;
    }

    private static ObjectMapper strictCopy(ObjectMapper application) {
        ObjectMapper m = application.copy();
        m.setConfig(m.getDeserializationConfig().withAttribute(STRICT, Boolean.TRUE));
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        for (LogicalType type : new LogicalType[]{LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // Jackson takes a byte from 128..255 (wrapping it), a float from any double (1e300 becomes
        // Infinity), a double from 1e400 (Infinity) and a char from a number: those get deserializers
        // that refuse. Its primitive array deserializers do not use the element ones, so byte[],
        // float[] and double[] get their own; it also reads a string as base64 for byte[], Byte[] and
        // ByteBuffer and writes binary as base64 for String, which changes the data too.
        SimpleModule module = new SimpleModule("windsock-strict-scalars");
        module.addDeserializer(byte.class, new ByteDeserializer(byte.class));
        module.addDeserializer(Byte.class, new ByteDeserializer(Byte.class));
        module.addDeserializer(float.class, new FloatDeserializer(float.class));
        module.addDeserializer(Float.class, new FloatDeserializer(Float.class));
        module.addDeserializer(double.class, new DoubleDeserializer(double.class));
        module.addDeserializer(Double.class, new DoubleDeserializer(Double.class));
        module.addDeserializer(char.class, new CharDeserializer(char.class));
        module.addDeserializer(Character.class, new CharDeserializer(Character.class));
        module.addDeserializer(byte[].class, StrictArrays.BYTES);
        module.addDeserializer(Byte[].class, StrictArrays.BOXED_BYTES);
        module.addDeserializer(ByteBuffer.class, StrictArrays.BYTE_BUFFER);
        module.addDeserializer(float[].class, StrictArrays.FLOATS);
        module.addDeserializer(double[].class, StrictArrays.DOUBLES);
        module.addDeserializer(String.class, new TextDeserializer());
        module.setDeserializerModifier(StrictMaps.INSTANCE);
        m.registerModule(module);
        // FAIL_ON_NULL_FOR_PRIMITIVES refuses a null sent for a primitive; Jackson asks the same
        // question for a record field the object lacks, which follows the mapper's settings instead
        // and gets its default (0, false).
        m.registerModule(new SimpleModule("windsock-absent-primitives").setDeserializerModifier(AbsentPrimitives.INSTANCE));
        return m;
    }

    /** Gives a primitive creator property missing from the object its default, while a null stays refused. */
    private static final class AbsentPrimitives extends BeanDeserializerModifier {
        static final AbsentPrimitives INSTANCE = new AbsentPrimitives();

        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription beanDesc,
                                                      JsonDeserializer<?> deserializer) {
            Class<?> type = beanDesc.getBeanClass();
            return type.isPrimitive() ? new DefaultWhenAbsent(deserializer, ClassUtil.defaultValue(type)) : deserializer;
        }
    }

    private static final class DefaultWhenAbsent extends DelegatingDeserializer {
        private final Object absent;

        DefaultWhenAbsent(JsonDeserializer<?> delegate, Object absent) {
            super(delegate);
            this.absent = absent;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new DefaultWhenAbsent(delegate, absent);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return absent;
        }

        /**
         * Jackson describes {@code Integer}, {@code Long} and {@code Boolean} with the cached description
         * of their primitive, so the modifier above also wraps their deserializers: the property's own
         * type tells them apart, and a box missing from the object stays null.
         */
        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            JsonDeserializer<?> contextual = super.createContextual(ctxt, property);
            JavaType type = property != null ? property.getType() : ctxt.getContextualType();
            if (type != null && !type.isPrimitive() && contextual instanceof DefaultWhenAbsent wrapper) {
                return wrapper.getDelegatee();
            }
            return contextual;
        }
    }

    /** The scalar deserializers below: {@code null} is a mismatch for a primitive, {@code null} for its box. */
    abstract static class StrictScalar<T> extends StdScalarDeserializer<T> {
        private final boolean primitive;

        StrictScalar(Class<?> type) {
            super(type);
            this.primitive = type.isPrimitive();
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) {
            if (primitive) {
                try {
                    return ctxt.reportInputMismatch(this, "null is not a valid %s", _valueClass.getSimpleName());
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return null;
        }

        T mismatch(JsonParser p, DeserializationContext ctxt, String what) throws IOException {
            return ctxt.reportInputMismatch(this, "%s is not a valid %s", what, _valueClass.getSimpleName());
        }

        static String shown(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return "String \"" + ValueText.of(p.getText()).replace("\"", "") + "\"";
            }
            return t != null && t.isScalarValue() ? p.getText() : "a JSON " + (t == null ? "value" : t.asString());
        }
    }

    static final class ByteDeserializer extends StrictScalar<Byte> {
        @SuppressWarnings("unchecked")
        ByteDeserializer(Class<?> type) {
            super((Class<Byte>) type);
        }

        @Override
        public Byte deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() == JsonParser.NumberType.INT) {
                    int v = p.getIntValue();
                    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                        return (byte) v;
                    }
                }
                return mismatch(p, ctxt, p.getText() + " (out of range " + Byte.MIN_VALUE + ".." + Byte.MAX_VALUE + ")");
            }
            return mismatch(p, ctxt, shown(p));
        }
    }

    static final class FloatDeserializer extends StrictScalar<Float> {
        @SuppressWarnings("unchecked")
        FloatDeserializer(Class<?> type) {
            super((Class<Float>) type);
        }

        @Override
        public Float deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double v = p.getDoubleValue();
                if (Double.isFinite(v) && Math.abs(v) <= Float.MAX_VALUE) {
                    return (float) v;
                }
                return mismatch(p, ctxt, p.getText() + " (out of range of float)");
            }
            return mismatch(p, ctxt, shown(p));
        }
    }

    static final class DoubleDeserializer extends StrictScalar<Double> {
        @SuppressWarnings("unchecked")
        DoubleDeserializer(Class<?> type) {
            super((Class<Double>) type);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double v = p.getDoubleValue();
                if (Double.isFinite(v)) {
                    return v;
                }
                return mismatch(p, ctxt, p.getText() + " (out of range of double)");
            }
            return mismatch(p, ctxt, shown(p));
        }
    }

    /** Jackson's string deserializer, except that binary never becomes its base64 text. */
    private static final class TextDeserializer extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT && p.getEmbeddedObject() instanceof byte[] bytes) {
                return ctxt.reportInputMismatch(this, "binary (%d bytes) is not a valid String", bytes.length);
            }
            return super.deserialize(p, ctxt);
        }
    }

    private static final class CharDeserializer extends StrictScalar<Character> {
        @SuppressWarnings("unchecked")
        CharDeserializer(Class<?> type) {
            super((Class<Character>) type);
        }

        @Override
        public Character deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String s = p.getText();
                if (s.length() == 1) {
                    return s.charAt(0);
                }
            }
            return mismatch(p, ctxt, shown(p) + " (a char is a string of one character)");
        }
    }
}
