package io.windsock.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertEquals("1:2;x=y", Jsonp.payload(form("x=1&%64=1%3A2;x=y"))); // & alone separates
        assertEquals("", Jsonp.payload(form("x&d&y")));
        assertNull(Jsonp.payload(form("e=1%3A2")));
        assertNull(Jsonp.payload(form("d+=1")));
        assertNull(Jsonp.payload(form("")));
    }

    /** querystring.parse makes a repeated field an array, which engine.io's JSONP transport ignores. */
    @Test
    void aRepeatedFieldDIsIgnored() {
        assertNull(Jsonp.payload(form("x=1&d=1%3A2&d=other")));
        assertNull(Jsonp.payload(form("d=1%3A2&%64=other")));
    }

    /** Only querystring's first 1,000 fields count, empty ones included. */
    @Test
    void aFieldDAfterTheFirstThousandIsNotRead() {
        assertEquals("2", Jsonp.payload(form("a=1&".repeat(999) + "d=2")));
        assertNull(Jsonp.payload(form("a=1&".repeat(1000) + "d=2")));
        assertEquals("2", Jsonp.payload(form("&".repeat(999) + "d=2")));
        assertNull(Jsonp.payload(form("&".repeat(1000) + "d=2")));
    }

    /**
     * A malformed escape keeps the field, decoded leniently as querystring.unescape falls back to
     * unescapeBuffer: each valid escape a byte, the rest as sent, the bytes read as UTF-8. Each
     * expectation is what Node 20's querystring.parse(body).d answers.
     */
    @Test
    void aMalformedEscapeIsDecodedLenientlyAsNodeDecodesIt() {
        assertEquals("%E", Jsonp.payload(form("d=%E")));
        assertEquals("%zz", Jsonp.payload(form("d=%zz")));
        assertEquals("a%", Jsonp.payload(form("d=a%")));
        assertEquals("a b%2", Jsonp.payload(form("d=a+b%2")));
        assertEquals("%A", Jsonp.payload(form("d=%%41")));
        assertEquals("\u00e9%zz", Jsonp.payload(form("d=%C3%A9%zz")));
        assertEquals("\ufffdA", Jsonp.payload(form("d=%E2%82A")));
        assertEquals("\ufffd%zz", Jsonp.payload(form("d=%E2%82%zz")));
        assertEquals("\ufffd", Jsonp.payload(form("d=%e9")));
        assertEquals("\ufffd\ufffd\ufffd", Jsonp.payload(form("d=%ED%A0%80")));
        assertEquals("+  ", Jsonp.payload(form("d=%2B+%20")));
        assertEquals("\ud83d\ude00", Jsonp.payload(form("d=%F0%9F%98%80")));
    }

    /** Node reads a form body as UTF-8 text (polling.js: req.setEncoding('utf8')), raw bytes included. */
    @Test
    void rawBytesOfTheBodyAreUtf8() {
        // "d=3:4é€" as sent raw: é is C3 A9, € is E2 82 AC.
        byte[] raw = {'d', '=', '3', ':', '4', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC};
        assertEquals("3:4\u00e9\u20ac", Jsonp.payload(raw));
        // Raw beside an escape: decodeURIComponent passes the characters through.
        byte[] beside = {'d', '=', (byte) 0xC3, (byte) 0xA9, '%', '4', '1'};
        assertEquals("\u00e9A", Jsonp.payload(beside));
        // A byte that is not UTF-8 is a replacement character.
        assertEquals("a\ufffdb", Jsonp.payload(new byte[] {'d', '=', 'a', (byte) 0xFF, 'b'}));
        // Raw beside a malformed escape: unescapeBuffer keeps each character's low byte only (€ is 0xAC).
        byte[] lenient = {'d', '=', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, '%', 'z', 'z', '%', '4', '1'};
        assertEquals("\ufffd%zzA", Jsonp.payload(lenient));
        byte[] plusSkipped = {'d', '=', (byte) 0xC3, (byte) 0xA9, '%', '4', '+', '1'};
        assertEquals("\ufffd%4 1", Jsonp.payload(plusSkipped));
    }

    @Test
    void newlinesAsTheClientEscapesThem() {
        // A newline goes as backslash-n; a backslash-n in the data goes as backslash-backslash-n.
        assertEquals("5:4a\nb", Jsonp.payload(form("d=5%3A4a%5Cnb")));
        assertEquals("6:4a\\nb", Jsonp.payload(form("d=6%3A4a%5C%5Cnb")));
        assertEquals("9:4\n\\n\n", Jsonp.payload(form("d=9%3A4%5Cn%5C%5Cn%5Cn")));
    }

    /** Each maximal ill-formed subpart is one U+FFFD, as in Node 20's Buffer.from(hex, 'hex').toString(). */
    @ParameterizedTest
    @CsvSource({
        "eda08041, \ufffd\ufffd\ufffdA", "f080808041, \ufffd\ufffd\ufffd\ufffdA", "e28241, \ufffdA",
        "f48f41, \ufffdA", "c0af41, \ufffd\ufffdA", "ff4141, \ufffdAA", "e2ac8241, \u2b02A",
        "f09f9841, \ufffdA", "f490808041, \ufffd\ufffd\ufffd\ufffdA", "c341, \ufffdA", "c3, \ufffd",
        "efbfbd41, \ufffdA", "f09f988041, \ud83d\ude00A",
    })
    void bytesThatAreNotUtf8AreReplacedAsNodeReplacesThem(String hex, String text) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        assertEquals(text, FormField.utf8(bytes, bytes.length));
        byte[] body = new byte[bytes.length + 2];
        body[0] = 'd';
        body[1] = '=';
        System.arraycopy(bytes, 0, body, 2, bytes.length);
        assertEquals(text, Jsonp.payload(body));
    }

    private static byte[] form(String body) {
        return body.getBytes(StandardCharsets.US_ASCII);
    }
}
