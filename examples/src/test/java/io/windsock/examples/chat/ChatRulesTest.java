package io.windsock.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChatRulesTest {
    @Test
    void nicknamesArePlainAscii() {
        assertNull(ChatRules.nicknameProblem("Dana"));
        assertNull(ChatRules.nicknameProblem("j.doe-2_x"));
        assertNotNull(ChatRules.nicknameProblem("D\u0430na"));          // Cyrillic a
        assertNotNull(ChatRules.nicknameProblem("\uff24ana"));          // fullwidth D
        assertNotNull(ChatRules.nicknameProblem(null));
        assertNotNull(ChatRules.nicknameProblem(""));
        assertNotNull(ChatRules.nicknameProblem("a".repeat(21)));
        assertNotNull(ChatRules.nicknameProblem("bob\n"));
    }

    @Test
    void lookAlikeNicknamesShareAKey() {
        assertEquals(ChatRules.nicknameKey("Dana"), ChatRules.nicknameKey("DANA"));
        assertEquals(ChatRules.nicknameKey("lan"), ChatRules.nicknameKey("Ian"));
        assertEquals(ChatRules.nicknameKey("b0b"), ChatRules.nicknameKey("bob"));
        assertEquals(ChatRules.nicknameKey("ali1"), ChatRules.nicknameKey("alil"));
        assertNotEquals(ChatRules.nicknameKey("alice"), ChatRules.nicknameKey("alicf"));
    }

    @Test
    void roomsAreKnownNamesOnly() {
        assertTrue(ChatRules.isRoom("java"));
        assertFalse(ChatRules.isRoom(null));
        assertFalse(ChatRules.isRoom("Java"));
    }

    @Test
    void messagesAreCutByCodePoint() {
        assertNull(ChatRules.message(null));
        assertNull(ChatRules.message("  \n "));
        assertEquals("hi", ChatRules.message("  hi "));
        String emoji = "\ud83d\ude00";                                   // one code point, two chars
        String cut = ChatRules.message("x" + emoji.repeat(ChatRules.MAX_TEXT));
        assertEquals(ChatRules.MAX_TEXT, cut.codePointCount(0, cut.length()));
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 1)), "an emoji was cut in half");
        assertEquals("x" + emoji.repeat(ChatRules.MAX_TEXT - 1), cut);
    }
}
