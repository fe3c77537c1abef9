package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSONP polling of Engine.IO v3, as engine.io and engine.io-client 3.x write and read it. */
class JsonpTest {
    @Test
    void pollAnswerIsAScriptCallingTheIndexedCallback() {
        assertEquals("___eio[0](\"1:6\");", Jsonp.script("0", "1:6"));
        // JSON.stringify's escapes, plus U+2028 and U+2029.
        assertEquals("___eio[12](\"9:4\\\"é\\\\\\n\\u2028\\u2029\\u0001\");",
                Jsonp.script("12", "9:4\"é\\\n\u2028\u2029\u0001"));
    }

    @Test
    void onlyDigitsMakeAnIndex() {
        assertTrue(Jsonp.isValidIndex("0"));
        assertTrue(Jsonp.isValidIndex("123456789"));
        assertFalse(Jsonp.isValidIndex(""));
        assertFalse(Jsonp.isValidIndex("1234567890"));
        assertFalse(Jsonp.isValidIndex("0]);alert(1);//"));
        assertFalse(Jsonp.isValidIndex("<script>"));
        assertFalse(Jsonp.isValidIndex("-1"));
    }

    @Test
    void postBodyIsTheFormFieldD() {
        assertEquals("8:4[\"a b\"]", Jsonp.payload(form("d=8%3A4%5B%22a+b%22%5D")));
        assertEquals("1:2", Jsonp.payload(form("x=1&d=1%3A2&d=other")));
        assertNull(Jsonp.payload(form("e=1%3A2")));
        assertNull(Jsonp.payload(form("")));
        assertNull(Jsonp.payload(form("d=%E")), "malformed escape");
    }

    @Test
    void newlinesAsTheClientEscapesThem() {
        // A newline goes as backslash-n; a backslash-n in the data goes as backslash-backslash-n.
        assertEquals("5:4a\nb", Jsonp.payload(form("d=5%3A4a%5Cnb")));
        assertEquals("6:4a\\nb", Jsonp.payload(form("d=6%3A4a%5C%5Cnb")));
        assertEquals("9:4\n\\n\n", Jsonp.payload(form("d=9%3A4%5Cn%5C%5Cn%5Cn")));
    }

    private static byte[] form(String body) {
        return body.getBytes(StandardCharsets.US_ASCII);
    }
}
