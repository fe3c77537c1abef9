package io.windsock.internal.dispatch;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeBindings;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The override rules of the handler scan: the order in which to visit the types that declare
 * handlers (every overriding type before the types it overrides), and the signatures an override
 * hides, bridges of generic overrides included.
 */
final class Overrides {
    private Overrides() {
    }

    /**
     * @return where handlers may be declared, each after every type that can override its methods:
     *         the class and its superclasses up to {@link SocketConnection}, then their interfaces
     *         (TornadIO2 collected handlers from every base), each subinterface before the
     *         interfaces it extends
     */
    static List<Class<?>> declaringTypes(Class<?> type) {
        List<Class<?>> classes = new ArrayList<>();
        Set<Class<?>> interfaces = new HashSet<>();
        for (Class<?> c = type; c != SocketConnection.class; c = c.getSuperclass()) {
            classes.add(c);
            collectInterfaces(c, interfaces);
        }
        List<Class<?>> sorted = new ArrayList<>(interfaces);
        // An interface has more superinterfaces than any interface it extends: most first puts subinterfaces first.
        Map<Class<?>, Integer> depth = new HashMap<>();
        for (Class<?> i : sorted) {
            Set<Class<?>> supers = new HashSet<>();
            collectInterfaces(i, supers);
            depth.put(i, supers.size());
        }
        sorted.sort(Comparator.comparing((Class<?> i) -> -depth.get(i)).thenComparing(Class::getName));
        classes.addAll(sorted);
        return classes;
    }

    private static void collectInterfaces(Class<?> c, Set<Class<?>> into) {
        for (Class<?> i : c.getInterfaces()) {
            if (into.add(i)) {
                collectInterfaces(i, into);
            }
        }
    }

    static String signatureKey(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }

    /**
     * @param overriders the handlers (and bridges to handlers) of the types visited before the one
     *                   declaring {@code m}, by {@link #signatureKey}
     * @return whether one of them overrides {@code m}. The same signature is not enough: a
     *         package-private method is overridden only from its own package, so a subclass in
     *         another package declares a second method beside it, and both are handlers.
     */
    static boolean isOverridden(Method m, Map<String, List<Method>> overriders) {
        for (Method candidate : overriders.getOrDefault(signatureKey(m), List.of())) {
            if (overrides(candidate, m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JVM's rule (JVMS 5.4.5): {@code sub}, declared in a subtype, overrides {@code base} when
     * {@code base} is public or protected, or in the same runtime package, or through a method of a
     * class between them that overrides {@code base} and that {@code sub} overrides (a public
     * override in the base's package opens it to subclasses elsewhere).
     */
    private static boolean overrides(Method sub, Method base) {
        if (overridesDirectly(sub, base)) {
            return true;
        }
        Class<?> target = base.getDeclaringClass();
        for (Class<?> c = sub.getDeclaringClass().getSuperclass(); c != null && c != target; c = c.getSuperclass()) {
            Method between;
            try {
                between = c.getDeclaredMethod(base.getName(), base.getParameterTypes());
            } catch (NoSuchMethodException e) {
                continue;
            }
            if (!Modifier.isPrivate(between.getModifiers()) && !Modifier.isStatic(between.getModifiers())
                    && overridesDirectly(sub, between) && overrides(between, base)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overridesDirectly(Method sub, Method base) {
        int modifiers = base.getModifiers();
        if (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)) {
            return true;
        }
        Class<?> a = sub.getDeclaringClass();
        Class<?> b = base.getDeclaringClass();
        return a.getPackageName().equals(b.getPackageName()) && a.getClassLoader() == b.getClassLoader();
    }

    /**
     * An annotated override of a generic method ({@code put(String)} for {@code Base<T>.put(T)}), or one
     * that narrows the return type, overrides the erased signature ({@code put(Object)}) through a
     * bridge method, which the signature of the override does not match: the bridges' signatures
     * override too. A bridge to an override without {@code @Event} counts not: the base
     * method stays the handler, and the override runs in its place.
     *
     * @param methods the methods one class declares
     */
    static List<Method> bridgedHandlers(Method[] methods) {
        List<Method> bridges = new ArrayList<>();
        for (Method bridge : methods) {
            if (!bridge.isBridge()) {
                continue;
            }
            Method target = bridgeTarget(bridge, methods);
            if (target != null && target.isAnnotationPresent(Event.class)) {
                bridges.add(bridge);
            }
        }
        return bridges;
    }

    /**
     * The method a bridge calls: the one declared beside it whose parameters are those of the
     * supertype method it overrides, with the type variables resolved. Matching by assignable types
     * instead would take an unrelated overload ({@code put(Integer)} beside {@code put(String)}, both
     * assignable to {@code put(Object)}). Null for a bridge that only widens visibility (its target is
     * inherited, not declared beside it). Resolved in the declaring class's own terms, as the compiler
     * did: its type variables stand for their bounds there, whatever a subclass binds them to.
     */
    private static Method bridgeTarget(Method bridge, Method[] methods) {
        JavaType view = TypeFactory.defaultInstance().constructType(bridge.getDeclaringClass());
        Set<Class<?>> supertypes = new LinkedHashSet<>();
        for (Class<?> c = bridge.getDeclaringClass().getSuperclass(); c != null; c = c.getSuperclass()) {
            supertypes.add(c);
        }
        for (Class<?> c = bridge.getDeclaringClass(); c != null; c = c.getSuperclass()) {
            collectInterfaces(c, supertypes);
        }
        for (Class<?> s : supertypes) {
            Method overridden;
            try {
                overridden = s.getDeclaredMethod(bridge.getName(), bridge.getParameterTypes());
            } catch (NoSuchMethodException e) {
                continue;
            }
            JavaType superType = view.findSuperType(s);
            TypeBindings bindings = superType == null ? TypeBindings.emptyBindings() : superType.getBindings();
            Type[] generic = overridden.getGenericParameterTypes();
            Class<?>[] resolved = new Class<?>[generic.length];
            for (int i = 0; i < generic.length; i++) {
                resolved[i] = TypeFactory.defaultInstance().resolveMemberType(generic[i], bindings).getRawClass();
            }
            for (Method m : methods) {
                if (!m.isBridge() && m.getName().equals(bridge.getName())
                        && Arrays.equals(m.getParameterTypes(), resolved)) {
                    return m;
                }
            }
        }
        return null;
    }
}
