package io.windsock.benchmarks.jmh;

import java.util.Map;
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

    /**
     * @param kind {@code text} (a string of the size), {@code binary} (bytes) or {@code object} (a chat
     *             message {@code {"room":..,"text":..,"n":..,"at":..}} whose text has the size)
     * @return the echoed argument of the socket codec benchmarks
     */
    static Object argument(String kind, int size) {
        return switch (kind) {
            case "text" -> text(size);
            case "binary" -> binary(size);
            case "object" -> Map.of("room", "lobby", "text", text(size), "n", 1234, "at", 1.7e12);
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    /** @return {@code size} random bytes, the same every run. */
    static byte[] binary(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
