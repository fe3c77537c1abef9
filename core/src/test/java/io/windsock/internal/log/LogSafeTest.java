package io.windsock.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class LogSafeTest {
    @Test
    void plainTextIsUnchanged() {
        String plain = "/chat room-1 h\u00e9 \ud83d\ude00 \\n";
        assertSame(plain, LogSafe.text(plain));
        assertEquals("null", LogSafe.text(null));
        assertEquals("", LogSafe.text(""));
    }

    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertEquals("a\\r\\nFAKE WARN line", LogSafe.text("a\r\nFAKE WARN line"));
        assertEquals("\\u001b[31mred\\u001b[0m\\t\\u0000\\u007f", LogSafe.text("\u001b[31mred\u001b[0m\t\u0000\u007f"));
        // Unicode line and paragraph separators, bidi overrides, zero-width and unpaired surrogates too.
        assertEquals("x\\u2028y\\u2029z\\u202e\\u200b\\ud800", LogSafe.text("x\u2028y\u2029z\u202e\u200b\ud800"));
        assertEquals("\\u0085", LogSafe.text("\u0085"));
    }

    @Test
    void longTextIsCutAndSaysHowLongItWas() {
        String name = "/" + "x".repeat(1_000_000);
        String safe = LogSafe.text(name);
        assertEquals("/" + "x".repeat(99) + "…(1000001 chars)", safe);
        // A surrogate pair is never cut in two.
        String emoji = "a".repeat(99) + "\ud83d\ude00" + "b";
        assertEquals("a".repeat(99) + "…(102 chars)", LogSafe.text(emoji));
        assertEquals(LogSafe.MAX_CHARS + "…(1000001 chars)".length(), safe.length());
    }

    @Test
    void makingSafeTwiceChangesNothing() {
        String once = LogSafe.text("bad\r\nname \\u0041 " + "z".repeat(200));
        assertEquals(once, LogSafe.text(once, 1000));
        assertTrue(once.indexOf('\n') < 0 && once.indexOf('\r') < 0);
    }

    // ---- the rate limiter ----

    private static Logger recording(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isWarnEnabled":
                            return true;
                        case "warn":
                            Object[] rest = args.length > 1 && args[1] instanceof Object[] a ? a
                                    : java.util.Arrays.copyOfRange(args, 1, args.length);
                            lines.add(MessageFormatter.arrayFormat((String) args[0], rest).getMessage());
                            return null;
                        case "getName":
                            return "test";
                        default:
                            return method.getReturnType() == boolean.class ? false : null;
                    }
                });
    }

    @Test
    void repeatedWarningsAreCappedPerKindAndTheNextWindowSaysHowManyWereDropped() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(recording(lines), 3, TimeUnit.MINUTES.toNanos(1), now::get);
        for (int i = 0; i < 10; i++) {
            log.warn("bad-packet", "bad packet {}", i);
        }
        log.warn("other", "another kind");
        assertEquals(List.of("bad packet 0", "bad packet 1", "bad packet 2", "another kind"), lines);

        lines.clear();
        now.addAndGet(TimeUnit.SECONDS.toNanos(59));
        log.warn("bad-packet", "still in the window");
        assertEquals(List.of(), lines);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        log.warn("bad-packet", "bad packet {}", 11);
        assertEquals(List.of("suppressed 8 similar warnings (bad-packet) in the last 60 s", "bad packet 11"), lines);
    }
}
