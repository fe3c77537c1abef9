package io.windsock.benchmarks.jmh;

import java.util.Random;

/** Deterministic payloads for the codec benchmarks. */
final class Payloads {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";

    private Payloads() {
    }

    /** @return {@code size} printable ASCII characters (no JSON escaping needed), the same every run. */
    static String text(int size) {
        Random random = new Random(size);
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** @return {@code size} random bytes, the same every run. */
    static byte[] binary(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
