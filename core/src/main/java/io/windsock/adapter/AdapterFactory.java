package io.windsock.adapter;

/** Makes the adapter of each namespace (set with {@code Windsock.Builder.adapter}). */
@FunctionalInterface
public interface AdapterFactory {
    /**
     * Called once per namespace, when the namespace is created: at {@code server.of(name)} for a
     * static one, and on the network thread that read the client's CONNECT for a dynamic one (again
     * each time a dynamic namespace is recreated after it was removed for being empty). Keep it
     * (and {@link Adapter#init}) quick: start slow set-up such as a connection or a subscription
     * asynchronously rather than waiting for it here.
     */
    Adapter create(AdapterNamespace namespace);
}
