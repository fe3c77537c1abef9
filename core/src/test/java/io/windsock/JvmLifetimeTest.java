package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A {@code main} that starts a server and returns leaves it serving (the README's Hello does just
 * that), and {@link Windsock#stop()} lets the JVM end: no thread of the server outlives it.
 */
class JvmLifetimeTest {
    /** The program under test: starts a server, prints its port, returns; "stop" on stdin stops it. */
    public static final class Program {
        public static void main(String[] args) {
            Windsock server = Windsock.builder()
                    .options(io.windsock.server.WindsockOptions.builder().host("127.0.0.1").port(0).build())
                    .namespace("/chat", chat -> { })
                    .build()
                    .start();
            Thread stopper = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    if ("stop".equals(in.readLine())) {
                        server.stop();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "stdin-reader");
            stopper.setDaemon(true);  // must not be what keeps the JVM alive
            stopper.start();
            System.out.println("port " + server.port());
        }
    }

    @Test
    void aStartedServerKeepsTheJvmAliveUntilStopped() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", classPath(), Program.class.getName()).start();
        // A thread per blocking read: on two cores the common pool may have one thread (Java 25's
        // CompletableFuture uses it where 17's made a thread per task), and the stderr read holds it.
        Executor ownThread = task -> new Thread(task, "child-output-reader").start();
        CompletableFuture<String> log = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }, ownThread);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }, ownThread).get(30, TimeUnit.SECONDS);
            assertTrue(line != null && line.startsWith("port "), "the program printed " + line);
            int port = Integer.parseInt(line.substring(5));

            // main has returned: only the server's own threads can keep the process serving.
            HttpResponse<String> open = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, open.statusCode());
            assertTrue(open.body().startsWith("0{\"sid\":"), open.body());
            assertTrue(process.isAlive());

            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the JVM did not end after stop()");
            assertEquals(0, process.exitValue());
            String stderr = log.get(10, TimeUnit.SECONDS);
            assertTrue(stderr.contains("Windsock listening on http://127.0.0.1:" + port + "/socket.io/ (namespaces: "),
                    stderr);
            assertTrue(stderr.contains("/chat"), stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * The child's class path: this JVM's, plus its module path and the test classes when the tests
     * run patched into the io.windsock.core module (the child runs everything on the class path).
     */
    private static String classPath() throws Exception {
        String modules = System.getProperty("jdk.module.path");
        if (modules == null || modules.isEmpty()) {
            return System.getProperty("java.class.path");
        }
        String tests = Path.of(JvmLifetimeTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return String.join(java.io.File.pathSeparator, tests, modules, System.getProperty("java.class.path"));
    }

}
