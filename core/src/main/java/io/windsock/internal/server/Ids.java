package io.windsock.internal.server;

import java.security.SecureRandom;
import java.util.Base64;

/** Socket ids and private session ids: 15 random bytes, URL-safe base64, never chosen by the client. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String newId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
