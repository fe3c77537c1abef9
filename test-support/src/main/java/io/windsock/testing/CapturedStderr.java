package io.windsock.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test writes to {@code System.err}, where slf4j-simple logs (it looks the stream up at each
 * line): register as an instance field with {@code @RegisterExtension}; each test reads its own lines.
 */
public final class CapturedStderr implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @Override
    public void beforeEach(ExtensionContext context) {
        original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setErr(original);
    }

    /** @return everything written so far */
    public String text() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** @return the lines written so far, empty ones left out */
    public List<String> lines() {
        return Arrays.stream(text().split("\n")).filter(line -> !line.isEmpty()).toList();
    }
}
