package io.windsock.redis.internal;

import java.security.SecureRandom;

/** Random ids as the Node adapter makes them (uid2: letters and digits). */
public final class Uid {
    private static final String CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Uid() {
    }

    /** @return a random id of {@code length} letters and digits */
    public static String next(int length) {
        char[] id = new char[length];
        for (int i = 0; i < length; i++) {
            id[i] = CHARS.charAt(RANDOM.nextInt(CHARS.length()));
        }
        return new String(id);
    }
}
