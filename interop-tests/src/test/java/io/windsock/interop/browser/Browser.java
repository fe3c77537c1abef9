package io.windsock.interop.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.windsock.interop.harness.Interop;
import io.windsock.interop.harness.Json;
import io.windsock.interop.harness.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium, driven through {@code node/scripts/browser-driver.js} (playwright-core with the
 * system's Chromium; nothing is downloaded). Each call waits for the browser's answer; a failed
 * call or wait fails the test with what the page showed. Console errors of any page fail the test
 * at its end (the {@link Interop} fixture sees them as lines nobody took). Close the browser before
 * stopping the server it shows, or its pages log their failed reconnections as errors.
 *
 * <ul>
 * <li>{@code -Dwindsock.chromium}: the Chromium executable (default {@code /usr/bin/chromium},
 * Debian's {@code chromium} package)</li>
 * </ul>
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("windsock.chromium", "/usr/bin/chromium");
    /** How long one wait inside the page may take. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LAUNCH = Duration.ofSeconds(60);

    private final NodeProcess driver;
    private final Path profile;
    private int seq;

    private Browser(NodeProcess driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts Chromium with a fresh profile in {@code userDataDir}.
     *
     * @throws AssertionError when Chromium is not installed, saying how to install it
     */
    static Browser launch(Interop interop, Path userDataDir) {
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            throw new AssertionError("The browser test needs Chromium at " + CHROMIUM + ", which is missing."
                    + " On Debian or Ubuntu: apt-get install chromium (or point -Dwindsock.chromium at one).");
        }
        NodeProcess driver = interop.script("scripts/browser-driver.js",
                Map.of("executablePath", CHROMIUM, "userDataDir", userDataDir.toString()));
        JsonNode ready = driver.lines().take(LAUNCH);
        if (!"ready".equals(ready.path("type").asText())) {
            throw new AssertionError("the browser driver did not start: " + ready);
        }
        return new Browser(driver, userDataDir);
    }

    /** Ends the browser and its driver at once. Idempotent; the fixture does it too at the end of the test. */
    @Override
    public void close() {
        driver.close();
        // Chromium's lock links point outside the profile, which the temporary folder's cleanup warns about.
        for (String link : List.of("SingletonLock", "SingletonSocket", "SingletonCookie")) {
            try {
                Files.deleteIfExists(profile.resolve(link));
            } catch (IOException e) {
                // Left for the folder's own cleanup.
            }
        }
    }

    /** @return the text of the next console error of any page, for a test that expects one. */
    String takeConsoleError() {
        return driver.mailbox("console").take(WAIT).path("text").asText();
    }

    /** Opens a new tab on a URL. */
    Page open(String name, String url) {
        call("open", name, "url", url);
        return new Page(name);
    }

    private synchronized JsonNode call(String op, String page, Object... namesAndValues) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("op", op);
        command.put("page", page);
        command.put("seq", ++seq);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            command.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        driver.send(command);
        JsonNode reply = driver.lines().take(WAIT.plus(Duration.ofSeconds(20)));
        if (reply.path("seq").asInt() != seq) {
            throw new AssertionError("the browser driver answered out of turn: " + reply + " for " + command);
        }
        if (!reply.path("ok").asBoolean()) {
            throw new AssertionError(page + ": " + op + " failed: " + reply.path("error").asText());
        }
        return reply.path("value");
    }

    /** One tab. Selectors are Playwright's: CSS plus {@code :has-text("...")}, {@code :text-is("...")}. */
    final class Page {
        private final String name;

        private Page(String name) {
            this.name = name;
        }

        void fill(String selector, String value) {
            call("fill", name, "selector", selector, "value", value);
        }

        /** Types key by key, so the page sees every input event. */
        void type(String selector, String text) {
            call("type", name, "selector", selector, "text", text);
        }

        void press(String selector, String key) {
            call("press", name, "selector", selector, "key", key);
        }

        void click(String selector) {
            call("click", name, "selector", selector);
        }

        /** Waits until an element matching the selector is visible. */
        void waitVisible(String selector) {
            call("waitFor", name, "selector", selector, "state", "visible", "timeout", WAIT.toMillis());
        }

        /** Waits until no element matches the selector. */
        void waitGone(String selector) {
            call("waitFor", name, "selector", selector, "state", "detached", "timeout", WAIT.toMillis());
        }

        /** Waits until the first element matching the selector reads exactly this text (trimmed). */
        void waitText(String selector, String text) {
            call("waitText", name, "selector", selector, "text", text, "timeout", WAIT.toMillis());
        }

        /** @return that attribute of every element matching the selector, in document order */
        List<String> attributes(String selector, String attribute) {
            List<String> values = new ArrayList<>();
            call("attributes", name, "selector", selector, "name", attribute).forEach(v -> values.add(v.asText()));
            return values;
        }

        /** @return the trimmed text of every element matching the selector */
        List<String> texts(String selector) {
            return List.of(Json.MAPPER.convertValue(call("texts", name, "selector", selector), String[].class));
        }

        /** @return what a script evaluated in the page gives (a promise is awaited), as JSON */
        JsonNode evaluate(String script) {
            return call("evaluate", name, "script", script);
        }

        void screenshot(Path file) {
            call("screenshot", name, "path", file.toAbsolutePath().toString());
        }

        /** Runs a script file in the page. */
        void addScript(Path file) {
            call("addScript", name, "path", file.toAbsolutePath().toString());
        }

        /** Closes the tab, as a person closing it would: its connection drops. */
        void close() {
            call("close", name);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
