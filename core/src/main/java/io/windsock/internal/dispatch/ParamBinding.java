package io.windsock.internal.dispatch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.windsock.internal.log.LogSafe;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How one handler parameter receives an incoming JSON value: its name for named binding, whether
 * it may be missing, and the conversion to its declared type. Immutable; built once per handler.
 */
final class ParamBinding {
    /** The most characters of Jackson's explanation kept in a bad-event message. */
    private static final int MAX_REASON = 300;
    /** Jackson's "(enable `X.Y` to allow)" and "(but could if coercion was enabled using `CoercionConfig`)". */
    private static final Pattern SETTING_HINT = Pattern.compile(
            " \\((?:but could if coercion|but might if coercion|enable `|disable `)[^()]*\\)");
    /** A value that cannot bind; stackless, it is an expected outcome and becomes a bad-event report. */
    static final class Mismatch extends Exception {
        private final String clientMessage;

        Mismatch(String message) {
            this(message, message);
        }

        /** @param clientMessage what the client is told, when the message holds text only the server may see */
        Mismatch(String message, String clientMessage) {
            super(message, null, false, false);
            this.clientMessage = clientMessage;
        }

        String clientMessage() {
            return clientMessage;
        }
    }

    private final int index;
    private final String name;
    private final boolean explicitName;
    private final String typeName;
    /** How messages name the parameter, e.g. {@code int b}. */
    private final String described;
    private final JavaType target;
    private final Class<?> boxed;
    private final boolean primitive;
    private final boolean optional;
    private final boolean passThrough;
    /** For a varargs parameter: how each of its arguments converts, and the array's erased element class; else null. */
    private final ParamBinding element;
    private final Class<?> elementClass;

    /**
     * @param index        the position in the method's parameter list
     * @param name         the name for named binding, or {@code null} when the class file has none
     * @param explicitName whether the name comes from {@code @Arg}
     * @param typeName     the declared type as the messages show it
     * @param declared     the declared type, resolved against the connection class
     */
    ParamBinding(int index, String name, boolean explicitName, String typeName, JavaType declared) {
        this(index, name, explicitName, typeName, null, declared, null, null);
    }

    private ParamBinding(int index, String name, boolean explicitName, String typeName, String described,
                         JavaType declared, ParamBinding element, Class<?> elementClass) {
        this.index = index;
        this.name = name;
        this.explicitName = explicitName;
        this.typeName = typeName;
        this.described = described != null ? described : name == null ? typeName : typeName + " " + name;
        this.optional = declared.getRawClass() == Optional.class;
        this.target = optional ? declared.containedTypeOrUnknown(0) : declared;
        this.primitive = target.isPrimitive();
        this.boxed = primitive ? box(target.getRawClass()) : target.getRawClass();
        this.passThrough = unconstrained(target);
        this.element = element;
        this.elementClass = elementClass;
    }

    /**
     * A varargs parameter ({@code String... names}): it takes the trailing positional arguments,
     * each converted to the element type, and never binds by name.
     *
     * @param elementName  the element type as the messages show it, e.g. {@code String}
     * @param declared     the array type, resolved against the connection class
     * @param elementClass the erased element class of the method's parameter (the array the method takes)
     */
    static ParamBinding varargs(int index, String name, String elementName, JavaType declared, Class<?> elementClass) {
        String typeName = elementName + "...";
        String described = name == null ? typeName : typeName + " " + name;
        ParamBinding element = new ParamBinding(index, name, false, elementName, described,
                declared.getContentType(), null, null);
        return new ParamBinding(index, name, false, typeName, described, declared, element, elementClass);
    }

    int index() {
        return index;
    }

    String name() {
        return name;
    }

    boolean hasExplicitName() {
        return explicitName;
    }

    boolean isOptional() {
        return optional;
    }

    /** @return the type that values convert to ({@code T} for {@code Optional<T>}). */
    JavaType target() {
        return target;
    }

    /** @return e.g. {@code int b}, or {@code int} when the name is unknown. */
    String describe() {
        return described;
    }

    /** @return whether this is a varargs parameter (see {@link #varargs}). */
    boolean isVarargs() {
        return element != null;
    }

    /**
     * @param first the position of the first argument the varargs parameter takes
     * @return the arguments from {@code first} on, each converted, as the array the method takes
     */
    Object collect(List<Object> raw, int first, ObjectMapper mapper, boolean mayHoldNonFinite) throws Mismatch {
        int n = Math.max(0, raw.size() - first);
        Object array = Array.newInstance(elementClass, n);
        for (int i = 0; i < n; i++) {
            Array.set(array, i, element.convert(raw.get(first + i), mapper, "argument " + (first + i + 1),
                    mayHoldNonFinite));
        }
        return array;
    }

    /** @return an empty array of the type the method takes (a varargs parameter given no argument). */
    Object none() {
        return Array.newInstance(elementClass, 0);
    }

    /** @return the value for an argument the client did not send. */
    Object missing(String where) throws Mismatch {
        if (optional) {
            return Optional.empty();
        }
        throw new Mismatch("missing " + where + " (" + describe() + ")");
    }

    /**
     * @param mayHoldNonFinite false when the value comes from the wire reader and it read no number
     *                         beyond a double's range: then strict conversion need not look for one
     * @return the value converted to the declared type, with the server's mapper.
     */
    Object convert(Object value, ObjectMapper mapper, String where, boolean mayHoldNonFinite) throws Mismatch {
        if (value == null) {
            if (optional) {
                return Optional.empty();
            }
            if (primitive) {
                throw new Mismatch(where + " (" + describe() + "): null is not a valid " + typeName);
            }
            return null;
        }
        if (StrictConversion.isStrict(mapper)
                && (value instanceof Double d ? !Double.isFinite(d) : mayHoldNonFinite && holdsNonFinite(value))) {
            // JSON has no infinity: the wire reader reads 1e400 as JSON.parse does, and an Object, a
            // Number, a Map or a JsonNode would take it as it is (echoed, Jackson writes "Infinity").
            // A bare number costs a type test; the walk runs only for the rare event the wire reader
            // marked (see NonFiniteList).
            throw new Mismatch(where + " (" + describe() + "): a number beyond the range of a double is not a valid "
                    + typeName);
        }
        Object converted;
        // 1e400 arrives as an infinite Double: the mapper decides (the strict one refuses it above).
        if (passThrough && boxed.isInstance(value) && !(value instanceof Double d && !Double.isFinite(d))) {
            converted = value; // already the declared type (String, Integer, byte[], Map<String, Object>, ...)
        } else {
            try {
                converted = mapper.convertValue(value, target);
            } catch (IllegalArgumentException e) {
                if (e.getCause() instanceof InvalidDefinitionException definition && definition.getType() != null
                        && (!definition.getType().isContainerType() && definition.getType().isAbstract()
                            || DeserializableTypes.needsModule(mapper, definition.getType()))) {
                    // An abstract type the mapper has no way to build inside a bean or record (registration
                    // looks into properties for types that need a module only), or one it builds only with a
                    // module it lacks where registration could not tell (it accepts when unsure): the
                    // server's mistake, whatever the client sent.
                    throw new IllegalStateException("cannot convert " + where + " (" + describe() + "): "
                            + definition.getOriginalMessage(), definition);
                }
                String problem = where + " (" + describe() + "): " + reason(e, StrictConversion.isStrict(mapper));
                // Registration proved the mapper can build the type, so any other failure here is about this
                // value, whatever Jackson calls it: a definition complaint comes from a value of the wrong
                // shape (a string for String[], also inside a record). Its text names the server's
                // classes, and a constructor's, creator's or setter's refusal is the application's text
                // (a table name, a rule): only the server's report shows them.
                if (e.getCause() instanceof InvalidDefinitionException || thrownByApplication(e.getCause())) {
                    throw new Mismatch(problem, where + " (" + describe() + "): invalid value");
                }
                throw new Mismatch(problem);
            }
            if (converted == null && primitive) {
                throw new Mismatch(where + " (" + describe() + "): " + ValueText.of(value) + " is not a valid " + typeName);
            }
        }
        return optional ? Optional.ofNullable(converted) : converted;
    }

    /** Whether a value is, or holds at any depth, a non-finite number (from the wire: an infinity, 1e400). */
    private static boolean holdsNonFinite(Object value) {
        if (value instanceof Double d) {
            return !Double.isFinite(d);
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (holdsNonFinite(element)) {
                    return true;
                }
            }
        } else if (value instanceof java.util.Map<?, ?> map) {
            for (Object element : map.values()) {
                if (holdsNonFinite(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether Jackson's failure wraps an exception of the application's code rather than being its own. */
    private static boolean thrownByApplication(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ValueInstantiationException || !(t instanceof JacksonException)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Jackson's own explanation without its location suffix, which means nothing for a converted value,
     * and, from the strict mapper, without the setting Jackson says would allow the value: the strict
     * copy overrides those settings (CoercionConfig, ACCEPT_FLOAT_AS_INT, FAIL_ON_NULL_FOR_PRIMITIVES),
     * so changing them on the server's mapper would change nothing.
     */
    private static String reason(IllegalArgumentException e, boolean strict) {
        Throwable cause = e.getCause();
        String message;
        if (cause instanceof JsonProcessingException jpe) {
            message = jpe.getOriginalMessage(); // without the suffix: a line break in it is the client's text
        } else {
            message = e.getMessage();
            int newline = message == null ? -1 : message.indexOf('\n');
            message = newline < 0 ? message : message.substring(0, newline);
        }
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        if (strict) {
            message = SETTING_HINT.matcher(message).replaceAll("");
        }
        // Package names say nothing to a client and reveal the server's layout. Jackson quotes the
        // client's text (a string value, an unknown field's name) without bound: cut and escape it.
        return LogSafe.text(HandlerScanner.simpleName(message), MAX_REASON);
    }

    /**
     * Whether a value that is an instance of the raw type needs no conversion: true unless type
     * arguments constrain the contents ({@code List<Integer>} must convert each element;
     * {@code Map<String, Object>} need not, keys are always strings).
     */
    private static boolean unconstrained(JavaType type) {
        if (type.isArrayType()) {
            return true; // the instance check on the array class is exact (byte[] for binary)
        }
        for (int i = 0; i < type.containedTypeCount(); i++) {
            Class<?> c = type.containedType(i).getRawClass();
            boolean stringKey = type.isMapLikeType() && i == 0 && c == String.class;
            if (c != Object.class && !stringKey) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        } else if (primitive == char.class) {
            return Character.class;
        }
        throw new IllegalArgumentException("not a primitive: " + primitive);
    }
}
