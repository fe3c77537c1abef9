package io.windsock.internal.sio1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A jsonp-polling POST body read as the 0.9 server reads it: {@code qs.parse(body).d} (fields split on
 * {@code &} only, escapes decoded leniently), then the JSON string it holds.
 */
class Sio1FormsTest {
    private static String payload(String body) {
        return Sio1Forms.jsonpPayload(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theFieldDHoldsTheJsonStringOfThePayload() {
        assertEquals("4:::1", payload("d=%224%3A%3A%3A1%22"));
        assertEquals("3:::a b", payload("d=%223%3A%3A%3Aa+b%22"));
        assertEquals("5:::{\"name\":\"x\"}", payload("i=0&d=%225%3A%3A%3A%7B%5C%22name%5C%22%3A%5C%22x%5C%22%7D%22"));
    }

    @Test
    void aSemicolonIsPartOfTheValue() {
        assertEquals("3:::a;b", payload("d=\"3:::a;b\""));
        assertEquals("3:::a;b", payload("d=%223%3A%3A%3Aa%3Bb%22"));
    }

    @Test
    void aMalformedEscapeIsKeptAsSentAndRawUtf8IsRead() {
        assertEquals("3:::100%", payload("d=%223%3A%3A%3A100%%22"));
        assertEquals("3:::é", payload("d=\"3:::é\""));
        assertEquals("3:::é", payload("d=%223%3A%3A%3A%C3%A9%22"));
    }

    @Test
    void noFieldDOrTwiceOrNotAJsonStringIsNoPayload() {
        assertNull(payload("x=%221%22"));
        assertNull(payload("d=%221%22&d=%222%22"));
        assertNull(payload("d=%22unterminated"));
        assertEquals("3:::raw", payload("d=3:::raw"), "not quoted: taken as it is");
    }
}
