package io.windsock.examples.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds which nickname: one owner (a socket id) per nickname key ({@link ChatRules#nicknameKey}).
 * A claim is atomic, so two logins racing for one name never both win. Methods may block briefly
 * (handlers run on the handler pool, never on a network thread). Thread-safe.
 */
interface Nicknames extends AutoCloseable {
    /** @return whether {@code owner} now holds {@code key}; false when someone else holds it */
    boolean claim(String key, String owner);

    /** @return the socket id holding {@code key}, or {@code null} when nobody does */
    String owner(String key);

    /** Gives {@code key} up if {@code owner} still holds it; does nothing otherwise. */
    void release(String key, String owner);

    /** Gives up every name this process still holds. */
    @Override
    void close();

    /** The store could not answer (Redis away or slow): the user may try again. */
    final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(Throwable cause) {
            super("the nickname store did not answer", cause);
        }
    }

    /** @return the registry of a single node: a map in this process */
    static Nicknames inMemory() {
        Map<String, String> names = new ConcurrentHashMap<>();
        return new Nicknames() {
            @Override
            public boolean claim(String key, String owner) {
                return names.putIfAbsent(key, owner) == null;
            }

            @Override
            public String owner(String key) {
                return names.get(key);
            }

            @Override
            public void release(String key, String owner) {
                names.remove(key, owner);
            }

            @Override
            public void close() {
                names.clear();
            }
        };
    }
}
