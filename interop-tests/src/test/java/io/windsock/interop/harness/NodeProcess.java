package io.windsock.interop.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Node script of the harness ({@code interop-tests/node/}) running in its own process.
 *
 * <p>The script gets its parameters as one JSON argument and prints JSON lines on stdout (see
 * {@code node/lib/wire.js}). Each line goes to the mailbox named by its {@code "socket"} field, or to
 * {@link #lines()} when it has none; a line of type {@code "fatal"} closes every mailbox so that waits
 * fail at once with its message. {@link #send} writes a JSON line to the script's stdin. The script
 * exits when its stdin closes, so it cannot outlive the JVM; {@link #close()} kills it outright.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Set<NodeProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final int STDERR_KEPT = 16_384;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(NodeProcess::kill), "node-reaper"));
    }

    private final String script;
    private final Process process;
    private final OutputStream stdin;
    private final Map<String, Mailbox<JsonNode>> mailboxes = new ConcurrentHashMap<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    /** Why no more lines will come, once stdout has ended. */
    private volatile String closedReason;
    /** The first "fatal" line's message, if the script reported one. */
    private volatile String fatal;

    private NodeProcess(String script, Process process) {
        this.script = script;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutReader = new Thread(this::readStdout, "node-stdout-" + process.pid());
        this.stderrReader = new Thread(this::readStderr, "node-stderr-" + process.pid());
        stdoutReader.setDaemon(true);
        stderrReader.setDaemon(true);
        stdoutReader.start();
        stderrReader.start();
    }

    /**
     * Starts a script.
     *
     * @param script the script's path relative to the harness folder, e.g. {@code scripts/socketio-v4-driver.js}
     * @param params what the script reads with {@code params()}, converted by {@link Json#tree}
     */
    public static NodeProcess start(String script, Object params) {
        Path dir = NodeHarness.directory();
        Path file = dir.resolve(script);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such harness script: " + file);
        }
        List<String> command = new ArrayList<>();
        command.add(NodeHarness.executable());
        command.add(file.toString());
        command.add(Json.write(params == null ? Map.of() : params));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("WINDSOCK_NODE_MAX_MS", String.valueOf(NodeHarness.maxLifetime().toMillis()));
        builder.environment().remove("NODE_OPTIONS");
        try {
            NodeProcess started = new NodeProcess(script, builder.start());
            LIVE.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node (" + NodeHarness.executable() + ")", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the untagged lines the script prints. */
    public Mailbox<JsonNode> lines() {
        return mailbox("");
    }

    /** @return the lines tagged {@code "socket": tag}. */
    public Mailbox<JsonNode> mailbox(String tag) {
        Mailbox<JsonNode> box = mailboxes.computeIfAbsent(tag, t -> new Mailbox<>(
                script + (t.isEmpty() ? "" : " [" + t + "]") + " (pid " + process.pid() + ")", this::diagnostics));
        String closed = closedReason;
        if (closed != null) {
            box.close(closed);
        }
        return box;
    }

    /** Writes one JSON line to the script's stdin. */
    public synchronized void send(Object command) {
        try {
            stdin.write((Json.write(command) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to " + script + ": " + e + "\n" + diagnostics());
        }
    }

    /** Waits for the process to end by itself. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(script + " still running after " + timeout.toMillis() + " ms\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** @return the end of what the script wrote to stderr. */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** @return the failure the script reported on a "fatal" line, or {@code null}. */
    public String fatal() {
        return fatal;
    }

    /** @return every line that arrived and was not taken, by mailbox. */
    public Map<String, List<JsonNode>> unconsumed() {
        Map<String, List<JsonNode>> left = new java.util.TreeMap<>();
        mailboxes.forEach((tag, box) -> {
            List<JsonNode> pending = box.pending();
            if (!pending.isEmpty()) {
                left.put(tag.isEmpty() ? "(untagged)" : tag, pending);
            }
        });
        return left;
    }

    /** Kills the process (and anything it started) and waits until its output has been read. */
    @Override
    public void close() {
        kill();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            stdoutReader.join(5_000);
            stderrReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private String diagnostics() {
        String err = stderr();
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        return "  node " + script + " (pid " + process.pid() + ") " + state
                + (err.isEmpty() ? "" : "; stderr:\n" + err.indent(4));
    }

    private void readStdout() {
        String ending = "stdout ended";
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode record;
                try {
                    record = Json.parse(line);
                } catch (IllegalArgumentException e) {
                    record = Json.tree(Map.of("type", "stdout", "line", line));
                }
                if ("fatal".equals(record.path("type").asText())) {
                    String reason = "script failed: " + record.path("message").asText();
                    fatal = reason;
                    closedReason = reason;
                    mailboxes.values().forEach(box -> box.close(reason));
                    continue;
                }
                mailbox(record.path("socket").asText("")).put(record);
            }
        } catch (IOException e) {
            ending = "stdout failed: " + e;
        }
        String reason = fatal != null ? fatal : ending;
        closedReason = reason; // before the loop: a mailbox made from now on closes itself
        mailboxes.values().forEach(box -> box.close(reason));
    }

    private void readStderr() {
        try (InputStream in = process.getErrorStream()) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (stderr) {
                    stderr.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (stderr.length() > STDERR_KEPT) {
                        stderr.delete(0, stderr.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
    }

    @Override
    public String toString() {
        return "NodeProcess[" + script + " pid " + process.pid() + "]";
    }
}
