package io.windsock.interop.redis;

import io.windsock.testing.HeldPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Redis Cluster of three masters without replicas, on 127.0.0.1 and free ports, each
 * {@code redis-server} in its own temporary directory, without persistence. {@link #close()} kills
 * the servers and removes the directories.
 */
final class RedisClusterProcesses implements AutoCloseable {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    /** Every port chosen, held until the end (see {@link HeldPort}): a server's two ports are distinct. */
    private final List<HeldPort> held = new ArrayList<>();

    private RedisClusterProcesses(Path dir) {
        this.dir = dir;
    }

    static RedisClusterProcesses start(int masters) {
        RedisClusterProcesses cluster;
        try {
            cluster = new RedisClusterProcesses(Files.createTempDirectory("windsock-redis-cluster"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < masters; i++) {
                cluster.startServer();
            }
            cluster.create();
            cluster.awaitClusterOk();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return a seed URI for each node */
    List<String> uris() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
    }

    /**
     * Starts a redis-server and waits until it answers. A server that exits because a port was taken (where
     * a held port must be let go before the server binds it) is started again on other ports, a few times.
     */
    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            HeldPort heldPort = holdPort();
            HeldPort heldBusPort = holdPort(); // not the default port + 10000, which may be past 65535 or taken
            int port = heldPort.port();
            int busPort = heldBusPort.port();
            heldPort.beforeBind();
            heldBusPort.beforeBind();
            Path nodeDir = dir.resolve(String.valueOf(port));
            Process process;
            try {
                Files.createDirectories(nodeDir);
                process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--cluster-enabled", "yes", "--cluster-port", String.valueOf(busPort), "--cluster-config-file", nodeDir.resolve("nodes-" + port + ".conf").toString(),
                        "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
                        .redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("redis.log").toFile())
                        .start();
                servers.add(process);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start redis-server (the Debian package redis-server)", e);
            }
            // Ready once it answers PING; polled because the server only logs its readiness.
            if (awaitOutput(List.of("redis-cli", "-p", String.valueOf(port), "ping"), "PONG", process)) {
                ports.add(port);
                return;
            }
            String log = log(nodeDir);
            if (!log.contains("Address already in use") || attempt == 5) {
                throw new IllegalStateException("redis-server on port " + port + " exited; its log:\n" + log);
            }
        }
    }

    private static String log(Path nodeDir) {
        try {
            return Files.readString(nodeDir.resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> command.add("127.0.0.1:" + p));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String output = run(command);
        if (!output.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
    }

    /** Waits until every node reports the cluster usable and knows every other node. */
    private void awaitClusterOk() {
        for (int port : ports) {
            awaitOutput(List.of("redis-cli", "-p", String.valueOf(port), "cluster", "info"), "cluster_state:ok");
            awaitOutput(List.of("redis-cli", "-p", String.valueOf(port), "cluster", "info"),
                    "cluster_known_nodes:" + ports.size());
        }
    }

    private static void awaitOutput(List<String> command, String expected) {
        awaitOutput(command, expected, null);
    }

    /** @return true once the command prints what is expected, false if the server process exits first */
    private static boolean awaitOutput(List<String> command, String expected, Process server) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        String last;
        while (!(last = run(command)).contains(expected)) {
            if (server != null && !server.isAlive()) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(command + " never printed " + expected + "; last:\n" + last);
            }
            try {
                Thread.sleep(50); // polling an external process, which offers no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return true;
    }

    /**
     * @return what the command printed, once it ended or was killed after 20 s (a redis-cli whose server
     *         never answers waits forever); its output goes to a file, so waiting never blocks on a pipe
     */
    private static String run(List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("windsock-redis-cli", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    /** @return a port held until {@link #close()} */
    private HeldPort holdPort() {
        HeldPort port = HeldPort.hold();
        held.add(port);
        return port;
    }

    @Override
    public void close() {
        for (Process server : servers) {
            server.destroyForcibly();
        }
        for (Process server : servers) {
            try {
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        held.forEach(HeldPort::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
