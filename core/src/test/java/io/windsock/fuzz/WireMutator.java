package io.windsock.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Valid wire messages of each protocol generation and seeded mutations of them: the same seed gives the same
 * inputs on every run. Mutations aim at what parsers get wrong: brackets and quotes out of place, numbers too
 * large or negative, separators and counts that lie, control characters and lone surrogates, truncation,
 * repetition and messages spliced together.
 */
final class WireMutator {
    /** Socket.IO v5 over Engine.IO v4 (and, but for binary, v3): the Engine.IO type digit first. */
    static final List<String> V4 = List.of(
            "40", "40{\"token\":\"t\"}", "40/chat,", "40/chat,{\"a\":[1,{}]}", "40/dyn-1,", "41", "41/chat,",
            "42[\"echo\",\"a\",1,true,null,{\"x\":[1.5,-2]}]", "421[\"echo\",\"x\"]", "4212[\"echo\"]",
            "42/chat,[\"greet\",{\"name\":\"n\",\"age\":3}]", "42/chat,7[\"greet\",\"n\",3]", "42/chat,8[\"add\",1,2]",
            "42/chat,9[\"post\",{\"text\":\"t\",\"n\":1,\"tags\":[\"a\"]}]", "42/chat,[\"join\",\"r\"]",
            "42/chat,[\"shout\",\"r\",\"hi\"]", "42[\"join\",\"lobby\"]", "42[\"shout\",\"lobby\",\"x\"]",
            "43/chat,5[\"r\"]", "435[]", "44{\"message\":\"m\"}", "451-[\"echo\",{\"_placeholder\":true,\"num\":0}]",
            "452-/chat,3[\"blob\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            "461-5[{\"_placeholder\":true,\"num\":0}]", "2", "3", "5", "6", "2probe", "3probe", "1");

    /** Socket.IO 0.9 packets: type, id ("+" for a data ack), endpoint, data. */
    static final List<String> SIO1 = List.of(
            "1::/chat", "1::/chat?token=a&b=2", "1::/dyn-1", "0::/chat", "0::", "2::", "3:::hello", "3:1+:/chat:m",
            "4:::{\"a\":[1,2]}", "4:2+::{\"b\":null}", "5:::{\"name\":\"echo\",\"args\":[\"a\",1]}",
            "5:3+::{\"name\":\"echo\",\"args\":[{\"x\":1}]}", "5:4+:/chat:{\"name\":\"add\",\"args\":[1,2]}",
            "5::/chat:{\"name\":\"greet\",\"args\":[{\"name\":\"n\",\"age\":3}]}",
            "5::/chat:{\"name\":\"join\",\"args\":[\"r\"]}", "5:::{\"name\":\"shout\",\"args\":[\"lobby\",\"x\"]}",
            "6:::1+[\"x\"]", "6:::1", "7:::reason+advice", "8::", "\ufffd6\ufffd3:::ab\ufffd2\ufffd2::");

    private static final List<String> TOKENS = List.of(
            "\"", "[", "]", "{", "}", ",", ":", "-", "/", "+", "?", "&", "=", "%", "%zz", "\\", "\\u", "\\ud800",
            "0", "-1", "1e999", "99999999999999999999", "9223372036854775808", "-0", "1.5", "null", "true", "{}",
            "[]", "\"\"", "{\"_placeholder\":true,\"num\":7}", "{\"_placeholder\":true}", "\u0000", "\u001e",
            "\ufffd", "é", "\u2028", "\ud800", "\udc00", "😀", "/chat,", "/nope,", "\"__proto__\"", "\"constructor\"");

    /** Event names: the handlers', unknown ones, reserved ones, and ones that read like something else. */
    private static final List<String> EVENTS = List.of("echo", "greet", "add", "post", "join", "shout", "blob",
            "nope", "", "connect", "disconnect", "disconnecting", "newListener", "__proto__", "toString", "é😀");

    private final Random random;

    WireMutator(long seed) {
        this.random = new Random(seed);
    }

    /**
     * @return one time in three a well-formed event or ack with arguments of any JSON shape (which reaches
     *     the handlers and their binding), else a message of the corpus, unchanged one time in five or mutated
     */
    String next(List<String> corpus) {
        if (random.nextInt(3) == 0) {
            return corpus == SIO1 ? sio1Event() : v4Event();
        }
        String message = pick(corpus);
        if (random.nextInt(5) == 0) {
            return message;
        }
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            message = mutate(message, corpus);
        }
        return message.length() > 4096 ? message.substring(0, 4096) : message;
    }

    private String v4Event() {
        String namespace = random.nextBoolean() ? "/chat," : "";
        String id = random.nextBoolean() ? String.valueOf(random.nextInt(1000)) : "";
        if (random.nextInt(4) == 0) {
            return "43" + namespace + random.nextInt(1000) + json(0, true);
        }
        return "42" + namespace + id + "[" + quoted(pick(EVENTS)) + arguments() + "]";
    }

    private String sio1Event() {
        String endpoint = random.nextBoolean() ? "/chat" : "";
        String id = random.nextBoolean() ? random.nextInt(1000) + "+" : "";
        return switch (random.nextInt(4)) {
            case 0 -> "6:::" + random.nextInt(1000) + "+" + json(0, true);
            case 1 -> "4:" + id + ":" + endpoint + ":" + json(0, false);
            default -> {
                String args = arguments();
                yield "5:" + id + ":" + endpoint + ":{\"name\":" + quoted(pick(EVENTS)) + ",\"args\":["
                        + (args.isEmpty() ? "" : args.substring(1)) + "]}";
            }
        };
    }

    /** @return zero to four arguments, each after a comma */
    private String arguments() {
        StringBuilder args = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            args.append(',').append(json(0, false));
        }
        return args.toString();
    }

    /** @return a JSON value of any kind, nested a little; an array when {@code array} */
    private String json(int depth, boolean array) {
        int kind = array ? 5 : random.nextInt(depth > 3 ? 5 : 7);
        switch (kind) {
            case 0:
                return pick(List.of("null", "true", "false"));
            case 1:
                return pick(List.of("0", "-1", "3", "1.5", "-0.0", "1e308", "2147483648", "9223372036854775807",
                        "18446744073709551616", "1e-320", "123456789012345678901234567890"));
            case 2:
            case 3:
                return quoted(pick(List.of("", "n", "r", "lobby", "é", "😀", "a\\\"b", "\\u0000", "\\ud800",
                        "x".repeat(random.nextInt(300)))));
            case 4:
                return "{\"_placeholder\":true,\"num\":" + (random.nextInt(3) - 1) + "}";
            case 5: {
                StringBuilder items = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.append(items.length() > 1 ? "," : "").append(json(depth + 1, false));
                }
                return items.append(']').toString();
            }
            default: {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.append(object.length() > 1 ? "," : "")
                            .append(quoted(pick(List.of("name", "age", "text", "n", "tags", "a", "b", "room", "x",
                                    "__proto__", "_placeholder", "num", ""))))
                            .append(':').append(json(depth + 1, false));
                }
                return object.append('}').toString();
            }
        }
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    /** @return random bytes, some of them an attachment's worth */
    byte[] bytes() {
        byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(2048) : random.nextInt(16)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** @return whether to do the rarer of two things (one time in {@code in}) */
    boolean oneIn(int in) {
        return random.nextInt(in) == 0;
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private String mutate(String message, List<String> corpus) {
        int at = message.isEmpty() ? 0 : random.nextInt(message.length() + 1);
        switch (random.nextInt(8)) {
            case 0: // a token inserted
                return message.substring(0, at) + pick(TOKENS) + message.substring(at);
            case 1: // a character replaced by a token
                return at >= message.length() ? message + pick(TOKENS)
                        : message.substring(0, at) + pick(TOKENS) + message.substring(at + 1);
            case 2: // cut short
                return message.substring(0, at);
            case 3: { // a range deleted
                int end = Math.min(message.length(), at + 1 + random.nextInt(8));
                return at >= message.length() ? message : message.substring(0, at) + message.substring(end);
            }
            case 4: { // a range repeated
                int end = Math.min(message.length(), at + 1 + random.nextInt(12));
                String range = at >= message.length() ? "" : message.substring(at, end);
                return message.substring(0, end) + range.repeat(1 + random.nextInt(20)) + message.substring(end);
            }
            case 5: // two messages spliced
                return message.substring(0, at) + pick(corpus);
            case 6: // a digit changed to another number
                for (int i = at; i < message.length(); i++) {
                    if (Character.isDigit(message.charAt(i))) {
                        return message.substring(0, i) + pick(List.of("0", "9", "10", "-1", "4294967296", "007"))
                                + message.substring(i + 1);
                    }
                }
                return message + random.nextInt(100);
            default: // deep nesting
                return message.substring(0, at) + "[".repeat(1 + random.nextInt(300)) + message.substring(at);
        }
    }
}
