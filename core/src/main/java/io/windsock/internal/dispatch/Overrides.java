package io.windsock.internal.dispatch;

import io.windsock.connection.Event;
import io.windsock.connection.SocketConnection;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
     * An annotated override of a generic method ({@code put(String)} for {@code Base<T>.put(T)})
     * overrides the erased signature ({@code put(Object)}) through a bridge method, which the
     * signature of the override does not match: the bridges' signatures count as overridden too.
     * A bridge to an override without {@code @Event} counts not: the base method stays the handler,
     * and the override runs in its place.
     */
    static List<String> bridgedHandlers(Method[] methods) {
        List<String> keys = new ArrayList<>();
        for (Method bridge : methods) {
            if (!bridge.isBridge()) {
                continue;
            }
            for (Method m : methods) {
                if (!m.isBridge() && m.isAnnotationPresent(Event.class) && bridges(bridge, m)) {
                    keys.add(signatureKey(bridge));
                    break;
                }
            }
        }
        return keys;
    }

    private static boolean bridges(Method bridge, Method target) {
        if (!bridge.getName().equals(target.getName()) || bridge.getParameterCount() != target.getParameterCount()) {
            return false;
        }
        Class<?>[] erased = bridge.getParameterTypes();
        Class<?>[] actual = target.getParameterTypes();
        for (int i = 0; i < erased.length; i++) {
            if (!erased[i].isAssignableFrom(actual[i])) {
                return false;
            }
        }
        return true;
    }
}
