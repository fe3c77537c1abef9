package io.windsock.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular application on the module path, as README describes it: compiled against
 * io.windsock.core and run in a JVM of its own, it serves a connection class whose handler binds
 * a record, and a WebSocket client gets the handler's ack. Without the {@code opens} line, building
 * the server fails with a message that names the line to add.
 */
class ModularApplicationTest {
    private static final String APP = """
            package app;

            import io.windsock.Windsock;
            import io.windsock.connection.Event;
            import io.windsock.connection.SocketConnection;
            import java.net.URI;
            import java.net.http.HttpClient;
            import java.net.http.WebSocket;
            import java.util.concurrent.BlockingQueue;
            import java.util.concurrent.CompletionStage;
            import java.util.concurrent.LinkedBlockingQueue;
            import java.util.concurrent.TimeUnit;

            public class Main {
                public record Point(int x, int y) {
                }

                public static class Sums extends SocketConnection {
                    @Event
                    public int sum(Point p) {
                        return p.x() + p.y();
                    }
                }

                public static void main(String[] args) throws Exception {
                    Windsock server;
                    try {
                        server = Windsock.builder().port(0).connections("/", Sums::new).build().start();
                    } catch (IllegalArgumentException e) {
                        System.out.println("refused: " + e.getMessage());
                        return;
                    }
                    BlockingQueue<String> received = new LinkedBlockingQueue<>();
                    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                                    new WebSocket.Listener() {
                                        @Override
                                        public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                                            received.add(data.toString());
                                            s.request(1);
                                            return null;
                                        }
                                    }).get(10, TimeUnit.SECONDS);
                    ws.sendText("40", true).get(10, TimeUnit.SECONDS);
                    ws.sendText("420[\\"sum\\",{\\"x\\":2,\\"y\\":3}]", true).get(10, TimeUnit.SECONDS);
                    String line;
                    while ((line = received.poll(10, TimeUnit.SECONDS)) != null && !line.startsWith("43")) {
                    }
                    System.out.println("ack: " + line);
                    ws.abort();
                    server.stop();
                }
            }
            """;

    @Test
    void anApplicationThatOpensItsPackageIsServed(@TempDir Path dir) throws Exception {
        String out = run(dir, "opens app to io.windsock.core, com.fasterxml.jackson.databind;");
        assertTrue(out.endsWith("ack: 430[5]"), out);
    }

    @Test
    void withoutTheOpensLineBuildingNamesIt(@TempDir Path dir) throws Exception {
        String out = run(dir, "");
        assertTrue(out.contains("refused: ") && out.contains("opens app to io.windsock.core, com.fasterxml.jackson.databind;"),
                out);
    }

    /** Compiles the application with this module-info line, runs it, returns its output. */
    private static String run(Path dir, String opens) throws Exception {
        String modulePath = modulePath();
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("module-info.java"), "module app {\n requires io.windsock.core;\n"
                + " requires java.net.http;\n " + opens + "\n}\n");
        Files.writeString(src.resolve("app/Main.java"), APP);
        Path classes = dir.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--module-path", modulePath, "-d", classes.toString(),
                src.resolve("module-info.java").toString(), src.resolve("app/Main.java").toString());
        assertEquals(0, rc, "compiles");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--module-path",
                classes + File.pathSeparator + modulePath, "-m", "app/app.Main"));
        // To a file: a pipe nobody reads while waiting would stall an application that prints over 64 KB.
        Path log = dir.resolve("output.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the application ends");
        } finally {
            process.destroyForcibly();
        }
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), text);
        return text;
    }

    /** Core and its dependencies as modules: what surefire gives this JVM, without the test classes. */
    private static String modulePath() throws IOException {
        String modules = System.getProperty("jdk.module.path");
        if (modules == null || modules.isEmpty()) {
            throw new org.opentest4j.TestAbortedException("the tests do not run on the module path");
        }
        List<String> entries = new ArrayList<>();
        for (String entry : modules.split(File.pathSeparator)) {
            if (!entry.contains("junit") && !entry.contains("opentest4j") && !entry.contains("apiguardian")
                    && !entry.contains("test-support") && !entry.contains("slf4j-simple")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
