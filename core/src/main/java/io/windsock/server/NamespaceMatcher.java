package io.windsock.server;

import java.util.Map;

/**
 * Decides whether an unknown namespace name may be created on demand (dynamic namespaces), from its
 * name and the CONNECT's auth payload. Called on a network thread: keep it quick.
 */
@FunctionalInterface
public interface NamespaceMatcher {
    boolean matches(String name, Map<String, Object> auth);
}
