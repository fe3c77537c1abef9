package io.windsock.examples.chat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the chat accepts from a page. Every value comes from a client that may send anything (null,
 * numbers, megabytes, look-alike letters), so each rule answers with a message for the user instead
 * of an exception in the server's log.
 */
final class ChatRules {
    static final List<String> ROOMS = List.of("general", "java", "random");
    static final int MAX_NICKNAME = 20;
    /** Longest message, in code points (a cut never splits an emoji's surrogate pair). */
    static final int MAX_TEXT = 500;

    /**
     * ASCII letters and digits only: with all of Unicode, "Dana" and "D\u0430na" (a Cyrillic a) would
     * both sign in and look the same. A confusable check across scripts needs Unicode's confusables
     * table; a demo keeps the plain rule.
     */
    private static final Pattern NICKNAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NICKNAME + "}");

    private ChatRules() {
    }

    /** @return why a nickname is refused, or {@code null} when it is fine. */
    static String nicknameProblem(String nickname) {
        if (nickname == null || !NICKNAME.matcher(nickname).matches()) {
            return "A nickname is 1 to " + MAX_NICKNAME + " ASCII letters, digits, '.', '-' or '_'.";
        }
        return null;
    }

    /**
     * The key two nicknames share when they would look alike: case folded, and the ASCII look-alikes
     * 0/O and 1/l/I made one, so "Dana" and "DANA", or "lan" and "Ian", cannot both be online.
     */
    static String nicknameKey(String nickname) {
        String lower = nickname.toLowerCase(Locale.ROOT);
        StringBuilder key = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            key.append(switch (c) {
                case '0' -> 'o';
                case '1', 'i' -> 'l';
                default -> c;
            });
        }
        return key.toString();
    }

    static boolean isRoom(String name) {
        return name != null && ROOMS.contains(name);
    }

    /** @return the text stripped and cut to {@link #MAX_TEXT} code points, or {@code null} if blank or absent. */
    static String message(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (t.codePointCount(0, t.length()) <= MAX_TEXT) {
            return t;
        }
        return t.substring(0, t.offsetByCodePoints(0, MAX_TEXT));
    }
}
