package io.windsock.interop.redis;

import io.windsock.testing.HeldPort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private {@code redis-server} on 127.0.0.1 and a free port, without persistence, that a test can
 * kill and start again on the same port. The port is held from {@link #reserve()} to {@link #close()}
 * (see {@link HeldPort}): while the server is down, connections to it are refused and no other socket
 * (a node's own port, a client's) can take it. Always stopped by {@link #close()}.
 */
final class RedisServerProcess implements AutoCloseable {
    private final HeldPort held;
    private final int port;
    private Process process;

    private RedisServerProcess(HeldPort held) {
        this.held = held;
        this.port = held.port();
    }

    static RedisServerProcess start() {
        RedisServerProcess server = reserve();
        server.restart();
        return server;
    }

    /** @return a server on a free port, not started yet: {@link #restart()} starts it */
    static RedisServerProcess reserve() {
        return new RedisServerProcess(HeldPort.hold());
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again) and waits until it accepts connections. */
    synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice"))
                .redirectErrorStream(true);
        held.beforeBind();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (the Debian package redis-server)", e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Process started = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("redis-server on port " + port + " ended"));
        }, "redis-server-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            started.destroyForcibly();
            throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
    }

    /** Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        held.close();
    }
}
