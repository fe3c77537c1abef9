package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.windsock.connection.SocketConnection;
import io.windsock.server.Ack;
import java.lang.invoke.MethodHandle;
import io.windsock.internal.log.LogSafe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletionStage;

/**
 * One {@code @Event} method, bound once at registration: its invoker, how each parameter receives
 * a value, and whether named binding applies. {@link #bind} decides per call between named and
 * positional binding (the rules of docs/event-model.md). Immutable and thread-safe.
 */
final class HandlerMethod {
    /** How many of a client object's keys a bad-event message lists, and how much of each. */
    private static final int SHOWN_KEYS = 10;
    private static final int SHOWN_KEY_CHARS = 40;
    private final String event;
    private final String signature;
    /** e.g. {@code ChatConnection.hello(String)}: how registration problems name the method. */
    private final String declaredAt;
    /** {@code (Object target, Object[] args) Object}; void methods return null. */
    private final MethodHandle invoker;
    private final int parameterCount;
    /** The parameters that receive event arguments, in declaration order (the Ack parameter excluded). */
    private final List<ParamBinding> params;
    private final int ackIndex;
    /** The return type, resolved ({@code T} of {@code Base<String>} is {@code String}). */
    private final JavaType returned;
    /** What the mapper writes into the ack: the return type, {@code T} of a {@code CompletionStage<T>}; or null. */
    private final JavaType acked;
    /**
     * Whether one incoming object may bind by its keys: every parameter but a varargs one has a name,
     * and the whole-object rule does not apply.
     */
    private final boolean named;
    /** Whether a lone object would bind by name if the parameters had names (the class lacks them). */
    private final boolean unnamed;
    /** The varargs parameter (last), which takes the trailing positional arguments; or null. */
    private final ParamBinding varargs;
    /** How many parameters take one argument each: all of them but a varargs one. */
    private final int fixed;
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<String> required = new LinkedHashSet<>();
    /** How mismatch messages name each parameter, made once rather than on every event. */
    private final String[] namedWhere;
    private final String[] positionalWhere;

    HandlerMethod(String event, String signature, String declaredAt, MethodHandle invoker, int parameterCount,
                  List<ParamBinding> params, int ackIndex, boolean named, boolean unnamed, JavaType returned) {
        this.event = event;
        this.signature = signature;
        this.declaredAt = declaredAt;
        this.invoker = invoker;
        this.parameterCount = parameterCount;
        this.params = List.copyOf(params);
        this.ackIndex = ackIndex;
        this.named = named;
        this.unnamed = unnamed;
        this.returned = returned;
        this.acked = ackedType(returned);
        ParamBinding last = this.params.isEmpty() ? null : this.params.get(this.params.size() - 1);
        this.varargs = last != null && last.isVarargs() ? last : null;
        this.fixed = this.params.size() - (varargs == null ? 0 : 1);
        this.namedWhere = new String[this.params.size()];
        this.positionalWhere = new String[this.params.size()];
        for (int i = 0; i < namedWhere.length; i++) {
            namedWhere[i] = "argument '" + this.params.get(i).name() + "'";
            positionalWhere[i] = "argument " + (i + 1);
        }
        for (ParamBinding p : params) {
            if (p.name() != null && !p.isVarargs()) { // the varargs parameter takes no key, as *args takes no keyword
                names.add(p.name());
                if (!p.isOptional()) {
                    required.add(p.name());
                }
            }
        }
    }

    /** @return e.g. {@code test(int a, int b)}: what error messages show as "expected". */
    String signature() {
        return signature;
    }

    /**
     * @return why the mapper can never build some parameter, one line per parameter, each naming
     *         the method and the parameter; empty when it can build them all
     */
    List<String> undeserializable(ObjectMapper mapper) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            ParamBinding p = params.get(i);
            String problem = DeserializableTypes.problem(mapper, p.target());
            if (problem != null) {
                problems.add(declaredAt + ": parameter " + (p.index() + 1) + " (" + p.describe() + "): " + problem);
            }
        }
        return problems;
    }

    /**
     * @return why the mapper can never write what this handler returns into an ack (a module it
     *         lacks), naming the method and the return type; or null
     */
    String unserializableReturn(ObjectMapper mapper) {
        String problem = acked == null ? null : SerializableTypes.moduleProblem(mapper, acked);
        return problem == null ? null
                : declaredAt + ": returns " + HandlerScanner.simpleName(returned.toCanonical()) + ": " + problem;
    }

    private static JavaType ackedType(JavaType returned) {
        Class<?> raw = returned.getRawClass();
        if (raw == void.class || raw == Void.class) {
            return null;
        }
        if (CompletionStage.class.isAssignableFrom(raw)) {
            JavaType[] completed = returned.findTypeParameters(CompletionStage.class);
            return completed.length == 1 ? ackedType(completed[0]) : null;
        }
        return returned;
    }

    boolean takesAck() {
        return ackIndex >= 0;
    }

    /** @return how many parameters receive event arguments (the Ack parameter excluded). */
    int dataParameterCount() {
        return params.size();
    }

    /** @return whether some data parameter that could bind by name has none (no {@code @Arg}, no {@code -parameters}). */
    boolean lacksNames() {
        return params.stream().anyMatch(p -> p.name() == null && !p.isVarargs());
    }

    /** @return whether named binding can apply to this handler. */
    boolean bindsByName() {
        return named;
    }

    /** @return whether a lone object binds by position, for want of names (not a whole-object handler). */
    boolean bindsByPositionOnly() {
        return unnamed;
    }

    /**
     * @return the method's arguments for these incoming values
     * @throws BadEvent when they do not fit the parameters
     */
    Object[] bind(List<Object> raw, Ack ack, ObjectMapper mapper) {
        return bind(raw, ack, mapper, true);
    }

    /**
     * @param mayHoldNonFinite false when the wire reader decoded {@code raw} and read no number beyond a
     *                         double's range (it marks the arrays that hold one), so strict conversion
     *                         has nothing to look for
     */
    Object[] bind(List<Object> raw, Ack ack, ObjectMapper mapper, boolean mayHoldNonFinite) {
        Object[] out = new Object[parameterCount];
        if (ackIndex >= 0) {
            out[ackIndex] = ack;
        }
        try {
            if (named && raw.size() == 1 && raw.get(0) instanceof Map<?, ?> object) {
                String keyProblem = keyProblem(object);
                if (keyProblem == null) {
                    for (int i = 0; i < fixed; i++) {
                        ParamBinding p = params.get(i);
                        String where = namedWhere[i];
                        out[p.index()] = object.containsKey(p.name())
                                ? p.convert(object.get(p.name()), mapper, where, mayHoldNonFinite) : p.missing(where);
                    }
                    if (varargs != null) {
                        out[varargs.index()] = varargs.none();
                    }
                    return out;
                }
                try {
                    bindPositional(raw, out, mapper, mayHoldNonFinite);
                    return out;
                } catch (ParamBinding.Mismatch positional) {
                    // The client most likely meant named arguments: the keys explain the failure best.
                    throw new ParamBinding.Mismatch(keyProblem);
                }
            }
            bindPositional(raw, out, mapper, mayHoldNonFinite);
            return out;
        } catch (ParamBinding.Mismatch m) {
            String report = m.getMessage();
            if (unnamed && raw.size() == 1 && raw.get(0) instanceof Map<?, ?>) {
                // Jackson's complaint about an object where a scalar was declared hides the cause: the
                // server's own build. Only the server's report says so; the client keeps Jackson's text.
                report += " (an object binds by name only to parameters with names: this class was compiled"
                        + " without 'javac -parameters' and has no @Arg, so it bound by position)";
            }
            throw BadEvent.mismatch(event, report, m.clientMessage(), signature, raw);
        }
    }

    private void bindPositional(List<Object> raw, Object[] out, ObjectMapper mapper, boolean mayHoldNonFinite)
            throws ParamBinding.Mismatch {
        if (varargs == null && raw.size() > fixed) {
            throw new ParamBinding.Mismatch(count(raw.size()) + " received, " + fixed + " expected");
        }
        for (int i = 0; i < fixed; i++) {
            ParamBinding p = params.get(i);
            String where = positionalWhere[i];
            out[p.index()] = i < raw.size() ? p.convert(raw.get(i), mapper, where, mayHoldNonFinite) : p.missing(where);
        }
        if (varargs != null) {
            out[varargs.index()] = varargs.collect(raw, fixed, mapper, mayHoldNonFinite);
        }
    }

    /** @return why the object's keys do not name the parameters, or null if they do. */
    private String keyProblem(Map<?, ?> object) {
        List<String> unknown = new ArrayList<>();
        for (Object key : object.keySet()) {
            if (!names.contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (!object.containsKey(name)) {
                missing.add(name);
            }
        }
        if (unknown.isEmpty() && missing.isEmpty()) {
            return null;
        }
        return "the object's keys [" + shownKeys(object.keySet()) + "] do not match the parameters " + names
                + (unknown.isEmpty() ? "" : " (unknown: " + shownKeys(unknown) + ")")
                + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")");
    }

    /** The client's keys, bounded in number and length and escaped: the message goes to logs and back to the client. */
    private static String shownKeys(Collection<?> keys) {
        StringJoiner shown = new StringJoiner(", ");
        int n = 0;
        for (Object key : keys) {
            if (n++ == SHOWN_KEYS) {
                shown.add("… " + keys.size() + " keys in all");
                break;
            }
            shown.add(LogSafe.text(String.valueOf(key), SHOWN_KEY_CHARS));
        }
        return shown.toString();
    }

    Object invoke(SocketConnection target, Object[] args) throws Throwable {
        return invoker.invokeExact((Object) target, args);
    }

    private static String count(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    @Override
    public String toString() {
        return "'" + event + "' -> " + signature;
    }
}
