package io.windsock.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.windsock.testing.HeldPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The redis-server processes of a {@link LocalRedisCluster}: each started from the PATH in cluster mode on
 * 127.0.0.1 and on ports held for it, in its own directory of one temporary directory, without persistence.
 * {@link #close()} kills every process started (so does a shutdown hook, should the JVM exit first) and
 * removes the directories.
 */
final class RedisServers implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final Duration WAIT = Duration.ofSeconds(20);

    private final Path dir;
    private final Duration nodeTimeout;
    /** Every process started, also one that never answered: all are killed at the end. */
    private final List<Process> processes = new ArrayList<>();
    /** Every port chosen, held until the end (see {@link HeldPort}): no two servers get one, nor does anything else. */
    private final List<HeldPort> held = new ArrayList<>();
    private final RedisClient admin = RedisClient.create();
    private final Thread killOnExit = new Thread(this::killAll, "redis-servers-kill");

    /** A redis-server started, not yet known to answer. */
    record Launched(int port, int busPort, Process process) {
    }

    /** A redis-server that answered: its ports, its process and a connection for commands to it. */
    record Server(int port, int busPort, Process process, StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> sync() {
            return connection.sync();
        }
    }

    /** @param nodeTimeout each server's cluster-node-timeout */
    RedisServers(Duration nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
        try {
            this.dir = Files.createTempDirectory("windsock-redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** @return a port held until {@link #close()} */
    HeldPort holdPort() {
        HeldPort port = HeldPort.hold();
        held.add(port);
        return port;
    }

    /**
     * Starts a redis-server on these held ports without waiting for it; the bus port is not port + 10000,
     * which may be past 65535 or taken.
     */
    Launched launch(HeldPort heldPort, HeldPort heldBusPort) {
        heldPort.beforeBind();
        heldBusPort.beforeBind();
        return launch(heldPort.port(), heldBusPort.port());
    }

    /**
     * Starts a redis-server on ports this holds (or held, where the system made it let them go), with the
     * cluster configuration its directory has from an earlier run on them, if any.
     */
    Launched launch(int port, int busPort) {
        Path nodeDir = dir.resolve(String.valueOf(port));
        Process process;
        try {
            Files.createDirectories(nodeDir);
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", HOST,
                    "--cluster-enabled", "yes", "--cluster-port", String.valueOf(busPort),
                    "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()),
                    // a replica takes over however long ago it last heard from its master
                    "--cluster-replica-validity-factor", "0",
                    // a replica's first copy of its master's (empty) data, at once rather than after 5 s
                    "--repl-diskless-sync-delay", "0",
                    "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.log").toFile())
                    .start();
            processes.add(process);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (Debian's package redis-server): the Redis"
                    + " Cluster tests need it on the PATH", e);
        }
        return new Launched(port, busPort, process);
    }

    /**
     * Waits until a launched server answers, with a connection to it. A server that exits because a port
     * was taken (where a held port must be let go before the server binds it) is launched again on other
     * ports, a few times.
     */
    Server connect(Launched launched) {
        for (int attempt = 1; ; attempt++) {
            try {
                return connectOnce(launched);
            } catch (IllegalStateException e) {
                String log = log(launched.port());
                if (launched.process().isAlive() || !log.contains("Address already in use") || attempt == 5) {
                    throw e;
                }
                launched = launch(holdPort(), holdPort());
            }
        }
    }

    private Server connectOnce(Launched launched) {
        int port = launched.port();
        Process process = launched.process();
        StatefulRedisConnection<String, String> connection = await(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited; its log:\n" + log(port));
            }
            try {
                return admin.connect(RedisURI.create(HOST, port));
            } catch (RuntimeException notYet) {
                return null;
            }
        }, () -> "redis-server on port " + port + " does not answer; its log:\n" + log(port));
        return new Server(port, launched.busPort(), process, connection);
    }

    private String log(int port) {
        try {
            return Files.readString(dir.resolve(String.valueOf(port)).resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Polls an external process's state, paced, until it gives a result (a non-null value or true); the
     * servers offer no event to wait on. A check's IllegalStateException ends the wait at once (a server
     * exited); any other exception counts as not yet, and is kept as the cause of the timeout.
     */
    static <T> T await(Supplier<T> check, Supplier<String> failure) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                T result = check.get();
                if (result != null && !Boolean.FALSE.equals(result)) {
                    return result;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("not within " + WAIT.toSeconds() + " s: " + failure.get(), last);
    }

    private void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        killAll();
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.shutdown();
        held.forEach(HeldPort::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
