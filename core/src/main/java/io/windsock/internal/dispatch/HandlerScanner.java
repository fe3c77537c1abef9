package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeBindings;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.windsock.connection.Arg;
import io.windsock.connection.Event;
import io.windsock.connection.NonBlocking;
import io.windsock.connection.SocketConnection;
import io.windsock.internal.log.Loggers;
import io.windsock.internal.server.Events;
import io.windsock.server.Ack;
import io.windsock.server.Handshake;
import io.windsock.server.Namespace;
import io.windsock.server.Socket;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Turns a {@link SocketConnection} subclass into a {@link ConnectionType}: finds its {@link Event}
 * methods (inherited ones included, interface default methods too), checks each signature, and prepares its invoker and parameter
 * bindings. Every problem is collected, so one failure lists them all, each naming its method.
 */
final class HandlerScanner {
    private static final Logger log = Loggers.REGISTRATION;
    /** Types a client cannot send, with what to use instead. */
    private static final Map<Class<?>, String> FRAMEWORK_TYPES = orderedMap(
            Socket.class, "use socket()",
            Handshake.class, "use socket().handshake()",
            Namespace.class, "use socket().namespace()",
            SocketConnection.class, "use this");
    private static final Pattern PACKAGE = Pattern.compile("\\b(?:[a-z_][a-zA-Z0-9_]*\\.)+(?=[A-Za-z_$])");

    private HandlerScanner() {
    }

    static ConnectionType scan(Class<? extends SocketConnection> type) {
        return scan(type, type);
    }

    /**
     * @param hooksFrom the class whose overrides of {@code onEvent} and {@code onMessage} decide the
     *                  dispatch: {@code type} itself, or the application's class that {@code type}
     *                  subclasses as a proxy (which overrides every method to delegate to it, the hooks
     *                  included, and would otherwise count as overriding them)
     */
    static ConnectionType scan(Class<? extends SocketConnection> type, Class<? extends SocketConnection> hooksFrom) {
        List<String> problems = new ArrayList<>();
        Map<String, HandlerMethod> handlers = new LinkedHashMap<>();
        Map<String, String> declaredBy = new LinkedHashMap<>();
        Map<String, List<Method>> overriders = new HashMap<>(); // by signature: the handlers that may override
        Set<String> nonBlocking = new HashSet<>();
        boolean classNonBlocking = type.isAnnotationPresent(NonBlocking.class);
        JavaType view = TypeFactory.defaultInstance().constructType(type);
        for (Class<?> c : Overrides.declaringTypes(type)) {
            Method[] methods = c.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::toGenericString)); // stable messages
            for (Method m : methods) {
                Event event = m.getAnnotation(Event.class);
                if (event == null || m.isBridge() || m.isSynthetic()) {
                    continue;
                }
                // A subclass (or subinterface) handler that overrides this one replaces it: only the override counts.
                // One with the same signature need not override it (package-private in another package): both count.
                if (!Modifier.isPrivate(m.getModifiers()) && Overrides.isOverridden(m, overriders)) {
                    continue;
                }
                if (!Modifier.isPrivate(m.getModifiers())) {
                    overriders.computeIfAbsent(Overrides.signatureKey(m), k -> new ArrayList<>()).add(m);
                }
                String name = event.value().isEmpty() ? m.getName() : event.value();
                String where = display(m);
                String previous = declaredBy.putIfAbsent(name, where);
                if (previous != null) {
                    problems.add("two handlers for event '" + name + "': " + previous + " and " + where);
                    continue;
                }
                HandlerMethod handler = bind(type, view, m, name, where, problems);
                if (handler != null) {
                    handlers.put(name, handler);
                    if (classNonBlocking || m.isAnnotationPresent(NonBlocking.class)) {
                        nonBlocking.add(name);
                    }
                }
            }
            // Only after this class's own methods: a bridge hides what it overrides in the supertypes, and
            // one for a narrower return type has the same signature as its target, which it must not hide.
            for (Method bridge : Overrides.bridgedHandlers(methods)) {
                overriders.computeIfAbsent(Overrides.signatureKey(bridge), k -> new ArrayList<>()).add(bridge);
            }
        }
        boolean onEvent = overrides(hooksFrom, "onEvent", String.class, List.class, Map.class);
        boolean onMessage = overrides(hooksFrom, "onMessage", Object.class);
        if (onMessage && declaredBy.containsKey("message")) {
            problems.add("both onMessage(Object) and " + declaredBy.get("message")
                    + " handle the event 'message': keep one");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot bind the events of " + type.getName() + ":\n  - "
                    + String.join("\n  - ", problems));
        }
        warnIfUnnamed(type, handlers.values());
        return new ConnectionType(handlers, onEvent, onMessage, nonBlocking, classNonBlocking);
    }

    private static Map<Class<?>, String> orderedMap(Object... pairs) {
        Map<Class<?>, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Class<?>) pairs[i], (String) pairs[i + 1]);
        }
        return map;
    }

    /**
     * @return what to use instead of a parameter of this type, which no client sends: a subtype
     *         counts (the application's own connection class is a SocketConnection, and Jackson
     *         would build one from the client's data), or null
     */
    private static String frameworkHint(Class<?> type) {
        for (Map.Entry<Class<?>, String> e : FRAMEWORK_TYPES.entrySet()) {
            if (e.getKey().isAssignableFrom(type)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** @return e.g. {@code onClose(DisconnectReason)} when the method overrides a hook of SocketConnection, or null */
    private static String hookOverridden(Method m) {
        if (Modifier.isStatic(m.getModifiers()) || Modifier.isPrivate(m.getModifiers())) {
            return null;
        }
        try {
            Method hook = SocketConnection.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            int modifiers = hook.getModifiers();
            return Modifier.isProtected(modifiers) ? display(hook) : null; // the hooks are the protected methods
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * Named binding needs parameter names, which a class compiled without {@code javac -parameters}
     * lacks: its handlers then quietly bind by position only, the README's own {@code hello(String name)}
     * included (a lone object-like parameter still takes the whole object: it needs no name). One warning
     * per class (the scan runs once per class) names the handlers and the two fixes.
     */
    private static void warnIfUnnamed(Class<?> type, Collection<HandlerMethod> handlers) {
        List<String> unnamed = new ArrayList<>();
        for (HandlerMethod handler : handlers) {
            if (handler.dataParameterCount() >= 1 && handler.bindsByPositionOnly() && handler.lacksNames()) {
                unnamed.add(handler.signature());
            }
        }
        if (!unnamed.isEmpty()) {
            log.warn("{} was compiled without parameter names, so these handlers bind by position only and a"
                    + " client's single object (emit('add', {a: 1, b: 2})) does not bind by name: {}. Compile with"
                    + " 'javac -parameters' (maven-compiler-plugin: <parameters>true</parameters>), or name each"
                    + " parameter with @Arg(\"...\")", type.getName(), String.join(", ", unnamed));
        }
    }

    /** @return the handler, or null after adding why it cannot be bound to the problems. */
    private static HandlerMethod bind(Class<?> type, JavaType view, Method m, String name, String where,
                                      List<String> problems) {
        int before = problems.size();
        if (Events.RESERVED.contains(name)) { // a client cannot emit these, so the handler would never run
            problems.add(where + ": '" + name + "' is reserved by socket.io; clients cannot emit it");
        }
        if (Modifier.isStatic(m.getModifiers())) {
            problems.add(where + ": a handler must be an instance method, not static");
        }
        String hook = hookOverridden(m);
        if (hook != null) {
            problems.add(where + ": overrides the hook " + hook + ", which Windsock calls itself; @Event would let"
                    + " a client call it too");
        }
        Class<?> returned = m.getReturnType();
        if (Future.class.isAssignableFrom(returned) && !CompletionStage.class.isAssignableFrom(returned)) {
            problems.add(where + ": returns " + (returned == Future.class ? "a Future, which is"
                    : "a " + returned.getSimpleName() + ", a Future that is") + " not a CompletionStage,"
                    + " which Windsock cannot wait for without blocking; return a CompletableFuture or CompletionStage");
        }
        if (m.getTypeParameters().length > 0) {
            problems.add(where + ": a handler cannot be a generic method (its type variables cannot be resolved)");
        }
        TypeBindings bindings = bindingsOf(view, m.getDeclaringClass());
        List<ParamBinding> params = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int ackIndex = -1;
        Parameter[] parameters = m.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            Parameter p = parameters[i];
            if (p.getType() == Ack.class) {
                if (ackIndex >= 0) {
                    problems.add(where + ": more than one Ack parameter");
                }
                ackIndex = i;
                continue;
            }
            String hint = frameworkHint(p.getType());
            if (hint != null) {
                problems.add(where + ": parameter " + (i + 1) + " is a " + p.getType().getSimpleName()
                        + ", which no client sends; " + hint);
                continue;
            }
            JavaType declared = TypeFactory.defaultInstance().resolveMemberType(p.getParameterizedType(), bindings);
            boolean varargs = p.isVarArgs();
            Arg arg = p.getAnnotation(Arg.class);
            String argName = arg != null ? arg.value() : p.isNamePresent() ? p.getName() : null;
            if (arg != null && varargs) {
                problems.add(where + ": @Arg on the varargs parameter " + (i + 1) + ", which takes the trailing"
                        + " positional arguments and never a key");
            } else if (arg != null && arg.value().isEmpty()) {
                problems.add(where + ": @Arg on parameter " + (i + 1) + " needs a name");
            } else if (argName != null && !names.add(argName)) {
                problems.add(where + ": two parameters named '" + argName + "'");
            }
            // A plain class shows as written; a generic type shows resolved (T of Base<String> is String).
            ParamBinding binding;
            if (varargs) {
                String element = simpleName(p.getParameterizedType() instanceof Class<?> c
                        ? c.getComponentType().getTypeName() : declared.getContentType().toCanonical());
                binding = ParamBinding.varargs(i, argName, element, declared, p.getType().getComponentType());
            } else {
                String typeName = simpleName(p.getParameterizedType() instanceof Class<?> c
                        ? c.getTypeName() : declared.toCanonical());
                binding = new ParamBinding(i, argName, arg != null, typeName, declared);
            }
            // Whether Jackson can build the type depends on the server's mapper (its modules map
            // interfaces and add deserializers): checked when the namespace is served.
            params.add(binding);
        }
        if (ackIndex >= 0 && m.getReturnType() != void.class) {
            problems.add(where + ": a handler with an Ack parameter acknowledges itself and must return void");
        }
        if (problems.size() > before) {
            return null;
        }
        MethodHandle invoker;
        try {
            invoker = invoker(m);
        } catch (IllegalAccessException e) {
            String pkg = m.getDeclaringClass().getPackageName();
            problems.add(where + ": not accessible to Windsock (" + e.getMessage() + "); in a modular application,"
                    + " open its package in module-info.java: opens " + pkg + " to io.windsock.core,"
                    + " com.fasterxml.jackson.databind;");
            return null;
        }
        boolean wholeObject = params.size() == 1 && !params.get(0).hasExplicitName()
                && isObjectLike(params.get(0).target());
        boolean named = !wholeObject && params.stream().allMatch(p -> p.name() != null || p.isVarargs());
        String signature = m.getName() + params.stream().map(ParamBinding::describe)
                .collect(Collectors.joining(", ", "(", ")"));
        JavaType returns = TypeFactory.defaultInstance().resolveMemberType(m.getGenericReturnType(), bindings);
        // Neither named nor whole-object: some parameter lacks a name, so a lone object binds by position.
        boolean unnamed = !wholeObject && !named;
        return new HandlerMethod(name, signature, where, invoker, parameters.length, params, ackIndex, named, unnamed,
                returns);
    }

    /** @return an invoker of type {@code (Object, Object[])Object}, so calls need no per-call adaptation. */
    private static MethodHandle invoker(Method m) throws IllegalAccessException {
        // A private lookup needs this module to read the handler's (a no-op on the class path).
        HandlerScanner.class.getModule().addReads(m.getDeclaringClass().getModule());
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(m.getDeclaringClass(), MethodHandles.lookup());
        // Fixed arity: a varargs method's handle would otherwise collect the converted array into another array.
        MethodHandle handle = lookup.unreflect(m).asFixedArity();
        int n = m.getParameterCount();
        return handle.asType(MethodType.genericMethodType(n + 1)).asSpreader(Object[].class, n);
    }

    private static TypeBindings bindingsOf(JavaType view, Class<?> declaring) {
        JavaType superType = view.findSuperType(declaring);
        return superType == null ? TypeBindings.emptyBindings() : superType.getBindings();
    }

    /**
     * Whether a lone parameter of this type takes the whole incoming object rather than one of its
     * keys: maps, records, POJOs, {@code Object} and JSON trees do; scalars, strings, arrays,
     * collections and enums do not.
     */
    static boolean isObjectLike(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (type.isPrimitive() || type.isArrayType() || type.isCollectionLikeType() || raw.isEnum()) {
            return false;
        }
        if (Number.class.isAssignableFrom(raw) || CharSequence.class.isAssignableFrom(raw)
                || raw == Boolean.class || raw == Character.class) {
            return false;
        }
        String pkg = raw.getPackageName();
        return !pkg.equals("java.time") && raw != java.util.UUID.class && raw != java.net.URI.class
                && raw != java.net.URL.class && !java.util.Date.class.isAssignableFrom(raw);
    }

    private static boolean overrides(Class<?> type, String name, Class<?>... parameterTypes) {
        for (Class<?> c = type; c != SocketConnection.class; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod(name, parameterTypes);
                return true;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        return false;
    }

    /** @return e.g. {@code ChatConnection.hello(String)}. */
    static String display(Method m) {
        Class<?> c = m.getDeclaringClass();
        String owner = c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName(); // anonymous classes
        return owner + "." + m.getName() + Arrays.stream(m.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    /** {@code java.util.List<java.lang.String>} becomes {@code List<String>}. */
    static String simpleName(String typeName) {
        return PACKAGE.matcher(typeName).replaceAll("").replace('$', '.');
    }
}
