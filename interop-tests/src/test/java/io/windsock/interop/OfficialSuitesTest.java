package io.windsock.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.windsock.EngineIoServer;
import io.windsock.Windsock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the official protocol suites (the {@code test-suite/} folders of the socketio/engine.io-protocol
 * and socketio/socket.io-protocol repositories) against Windsock, several times in a row and without
 * retries. The suites are not part of this repository: clone both repositories into one folder and run
 *
 * <pre>
 * mvn -B -pl interop-tests -am verify -Dtest=OfficialSuitesTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dwindsock.suites=/path/to/that/folder [-Dwindsock.suites.runs=5] [-Dwindsock.suites.asyncWs=true]
 * </pre>
 *
 * Without {@code windsock.suites} the test is skipped. Each run prints its mocha summary; the test fails
 * unless every run passes in full. {@code asyncWs} makes the socket.io suite's {@code ws} clients emit one
 * message per tick (ws 8.16+ {@code allowSynchronousEvents: false}), which removes that suite's own race
 * where two frames read at once reach a listener that waits for one (socketio/socket.io-protocol#32). The
 * engine.io suite runs as published either way: it has no such race, and one of its upgrade tests leaves
 * a {@code 3probe} unread, which a message emitted a tick later hands to the listener that follows.
 */
class OfficialSuitesTest {
    private static final int PORT = 3000; // hard-coded in both suites
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passing|(\\d+) failing");

    private final String suites = System.getProperty("windsock.suites");
    private final int runs = Integer.getInteger("windsock.suites.runs", 5);
    /** For the socket.io suite only (see the class comment). */
    private final boolean asyncWs = Boolean.getBoolean("windsock.suites.asyncWs");

    @Test
    void engineIoSuite() throws Exception {
        Path suite = suite("engine.io-protocol");
        EngineIoServer server = SuiteServers.engineEcho(PORT).start();
        try {
            runAll("engine.io-protocol", suite);
        } finally {
            server.stop();
        }
    }

    @Test
    void socketIoSuite() throws Exception {
        Path suite = suite("socket.io-protocol");
        Windsock server = SuiteServers.socketSuite(PORT).start();
        try {
            runAll("socket.io-protocol", suite);
        } finally {
            server.stop();
        }
    }

    private boolean asyncWs(String repository) {
        return asyncWs && "socket.io-protocol".equals(repository);
    }

    private Path suite(String repository) throws IOException, InterruptedException {
        assumeTrue(suites != null, "set -Dwindsock.suites to a folder holding the suites' repositories");
        Path suite = Path.of(suites, repository, "test-suite");
        assumeTrue(Files.isRegularFile(suite.resolve("test-suite.js")), "no test-suite.js in " + suite);
        if (!Files.isDirectory(suite.resolve("node_modules"))) {
            run(suite, "npm", "ci", "--no-audit", "--no-fund");
        }
        if (asyncWs(repository)) {
            run(suite, "npm", "install", "--no-save", "--no-audit", "--no-fund", "ws@8.18.3");
        }
        return suite;
    }

    private void runAll(String name, Path suite) throws Exception {
        List<String> summaries = new ArrayList<>();
        int green = 0;
        for (int i = 1; i <= runs; i++) {
            List<String> command = new ArrayList<>(List.of("npx", "mocha", "--exit"));
            if (asyncWs(name)) {
                command.addAll(List.of("--require", asyncWsPreload(suite).toString()));
            }
            command.add("test-suite.js");
            String output = run(suite, command.toArray(String[]::new));
            int passing = 0;
            int failing = 0;
            Matcher m = SUMMARY.matcher(output);
            while (m.find()) {
                if (m.group(1) != null) {
                    passing = Integer.parseInt(m.group(1));
                } else {
                    failing = Integer.parseInt(m.group(2));
                }
            }
            if (failing == 0 && passing > 0) {
                green++;
            } else {
                System.out.println(output);
            }
            summaries.add(passing + " passing, " + failing + " failing");
        }
        String report = name + (asyncWs(name) ? " (async ws)" : "") + ": " + green + " of " + runs
                + " runs green: " + summaries;
        System.out.println(report);
        assertEquals(runs, green, report);
    }

    private static Path asyncWsPreload(Path suite) throws IOException {
        Path preload = suite.resolve("node_modules").resolve(".windsock-async-ws.cjs");
        Files.writeString(preload, """
                // Every ws client emits one message per tick (ws >= 8.16).
                const WebSocket = require("ws"); // the package exports the WebSocket class itself
                const setSocket = WebSocket.prototype.setSocket;
                WebSocket.prototype.setSocket = function (socket, head, options) {
                  return setSocket.call(this, socket, head, { ...options, allowSynchronousEvents: false });
                };
                """);
        return preload;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
