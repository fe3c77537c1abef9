package io.windsock.adapter;

/** Makes the adapter of each namespace (set with {@code WindsockOptions.Builder.adapter}). */
@FunctionalInterface
public interface AdapterFactory {
    /** Called once per namespace, when the namespace is created. */
    Adapter create(AdapterNamespace namespace);
}
