package io.windsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.windsock.internal.exec.HandlerExecutors;
import io.windsock.internal.exec.TurnEnds;
import io.windsock.server.WindsockOptions;
import io.windsock.testing.V4TestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * On Java 24+ the default handler executor is a virtual thread per task. The tests run on Java 17, so
 * this one runs a small program in a child JVM of Java 24 or later: from {@code java24.home} (system
 * property), {@code JAVA24_HOME}, this JVM if it is one, or the newest under /usr/lib/jvm; skipped when
 * there is none.
 */
class VirtualThreadHandlersTest {
    private static final int SOCKETS = 24;
    private static final int EVENTS = 300;

    /** Prints "OK" and exits 0 when every check holds; prints why and exits 1 otherwise. */
    public static final class Program {
        private static final Object SHARED_LOCK = new Object();

        public static void main(String[] args) throws Exception {
            List<String> failures = new ArrayList<>();
            check(failures);
            if (failures.isEmpty()) {
                System.out.println("OK");
                System.exit(0);
            }
            failures.forEach(System.out::println);
            System.exit(1);
        }

        private static void check(List<String> failures) throws Exception {
            ExecutorService executor = HandlerExecutors.newDefault(TurnEnds.NONE);
            executor.shutdown();
            AtomicReference<Thread> lateRanOn = new AtomicReference<>();
            executor.execute(() -> lateRanOn.set(Thread.currentThread()));
            expect(failures, lateRanOn.get() == Thread.currentThread(), "a late task runs inline, not on " + lateRanOn);
            expect(failures, executor.awaitTermination(10, TimeUnit.SECONDS), "the executor terminates");
            expect(failures, !HandlerExecutors.isHandlerThread(), "main is no handler thread");
            AtomicReference<Boolean> namedLikeOne = new AtomicReference<>();
            Thread impostor = new Thread(() -> namedLikeOne.set(HandlerExecutors.isHandlerThread()), "windsock-handler-x");
            impostor.start();
            impostor.join();
            expect(failures, Boolean.FALSE.equals(namedLikeOne.get()), "a platform thread is not marked by its name");

            Map<String, String> outOfOrder = new ConcurrentHashMap<>();
            Map<String, String> wrongThread = new ConcurrentHashMap<>();
            Map<String, Integer> next = new ConcurrentHashMap<>();
            CountDownLatch handled = new CountDownLatch(SOCKETS * EVENTS);
            AtomicReference<Windsock> server = new AtomicReference<>();
            CountDownLatch stopReturned = new CountDownLatch(1);
            server.set(Windsock.builder()
                    .options(WindsockOptions.builder().host("127.0.0.1").port(0).ioThreads(2)
                            .shutdownTimeout(Duration.ofSeconds(60)).build())
                    .namespace("/", ns -> ns.onConnection(socket -> {
                        socket.on("seq", (data, ack) -> {
                            int n = ((Number) data.get(0)).intValue();
                            Thread t = Thread.currentThread();
                            if (!t.getName().startsWith("windsock-handler-") || !HandlerExecutors.isHandlerThread()
                                    || !t.toString().startsWith("VirtualThread")) {
                                wrongThread.putIfAbsent(socket.id(), t.toString());
                            }
                            int expected = next.getOrDefault(socket.id(), 0);
                            if (n != expected) {
                                outOfOrder.putIfAbsent(socket.id(), "got " + n + " expecting " + expected);
                            }
                            next.put(socket.id(), n + 1);
                            if (n % 50 == 0) {
                                // Blocking inside synchronized: holds no carrier on Java 24+.
                                synchronized (SHARED_LOCK) {
                                    Thread.sleep(1);
                                }
                            }
                            handled.countDown();
                        });
                        socket.on("stop", (data, ack) -> {
                            server.get().stop();  // from a handler thread: must start the stop and return
                            stopReturned.countDown();
                        });
                    }))
                    .build()
                    .start());
            int port = server.get().port();
            HttpClient http = HttpClient.newHttpClient();
            List<V4TestClient> clients = new ArrayList<>();
            for (int i = 0; i < SOCKETS; i++) {
                clients.add(V4TestClient.connect(http, port));
            }
            for (int e = 0; e < EVENTS; e++) {
                for (V4TestClient client : clients) {
                    client.send("42[\"seq\"," + e + "]");
                }
            }
            expect(failures, handled.await(60, TimeUnit.SECONDS), "all events handled, left " + handled.getCount());
            expect(failures, outOfOrder.isEmpty(), "per-socket order: " + outOfOrder);
            expect(failures, wrongThread.isEmpty(), "handlers on windsock-handler-* virtual threads: " + wrongThread);
            expect(failures, next.size() == SOCKETS, "sockets seen: " + next.size());
            clients.get(0).send("42[\"stop\"]");
            expect(failures, stopReturned.await(30, TimeUnit.SECONDS), "stop() from a handler returns at once");
            server.get().stop();
        }

        private static void expect(List<String> failures, boolean holds, String what) {
            if (!holds) {
                failures.add("FAIL " + what);
            }
        }
    }

    @Test
    void onJava24AndLaterHandlersRunOnVirtualThreadsInOrderPerSocket() throws Exception {
        Optional<Path> java = java24OrLater();
        Assumptions.assumeTrue(java.isPresent(),
                "no JDK 24+ found (set -Djava24.home or JAVA24_HOME): the virtual-thread executor is untested here");
        Process process = new ProcessBuilder(java.get().toString(), "-cp", classPath(), Program.class.getName())
                .redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        try {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the program did not end");
            String out = output.get(10, TimeUnit.SECONDS);
            assertEquals(0, process.exitValue(), out);
            assertTrue(out.lines().anyMatch("OK"::equals), out);
        } finally {
            process.destroyForcibly();
        }
    }

    private static Optional<Path> java24OrLater() throws IOException {
        String configured = System.getProperty("java24.home", System.getenv("JAVA24_HOME"));
        if (configured != null && !configured.isEmpty()) {
            return Optional.of(Path.of(configured, "bin", "java"));
        }
        Path self = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 24) {
            return Optional.of(self.resolve("bin").resolve("java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> feature(home) >= 24)
                    .filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
                    .max((a, b) -> Integer.compare(feature(a), feature(b)))
                    .map(home -> home.resolve("bin").resolve("java"));
        }
    }

    /** @return the feature release in a JDK's release file (JAVA_VERSION="25.0.1"), 0 when unreadable. */
    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** As in {@link JvmLifetimeTest}: the child runs everything on the class path. */
    private static String classPath() throws Exception {
        String modules = System.getProperty("jdk.module.path");
        if (modules == null || modules.isEmpty()) {
            return System.getProperty("java.class.path");
        }
        String tests = Path.of(VirtualThreadHandlersTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return String.join(java.io.File.pathSeparator, tests, modules, System.getProperty("java.class.path"));
    }
}
