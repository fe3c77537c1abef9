package io.windsock.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of a server process after a full garbage collection.
 *
 * <ul>
 * <li>Java: {@code jcmd <pid> GC.class_histogram}, which collects fully before it counts, and its
 *     {@code Total} line (bytes of reachable objects).
 * <li>Node: the peer script, started with {@code --expose-gc}, answers {@code SIGUSR2} by calling
 *     {@code gc()} and writing {@code process.memoryUsage()} to a file; {@code heapUsed} is taken.
 * </ul>
 */
public final class LiveHeap {
    private LiveHeap() {
    }

    /** @return live heap bytes, or -1 when the runtime has no way to tell. */
    public static long measure(String runtime, long pid, Path nodeStatsFile) throws IOException, InterruptedException {
        return measure(runtime, pid, nodeStatsFile, null);
    }

    /** @param histogramCopy where to save the Java class histogram (for a per-class diff), or null */
    public static long measure(String runtime, long pid, Path nodeStatsFile, Path histogramCopy)
            throws IOException, InterruptedException {
        return switch (runtime) {
            case "java" -> java(pid, histogramCopy);
            case "node" -> node(pid, nodeStatsFile);
            default -> -1;
        };
    }

    static long java(long pid, Path histogramCopy) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd failed: " + out.lines().limit(5).toList());
        }
        if (histogramCopy != null) {
            Files.writeString(histogramCopy, out);
        }
        for (String line : out.lines().toList()) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] parts = t.split("\\s+");
                return Long.parseLong(parts[2]);
            }
        }
        throw new IOException("no Total line in the class histogram");
    }

    static long node(long pid, Path statsFile) throws IOException, InterruptedException {
        if (statsFile == null) {
            throw new IOException("--node-stats-file is required for a Node server");
        }
        Files.deleteIfExists(statsFile);
        Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -USR2 " + pid + " failed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(statsFile)) {
                JsonNode stats = new ObjectMapper().readTree(statsFile.toFile());
                return stats.get("heapUsed").asLong();
            }
            Thread.sleep(50);
        }
        throw new IOException("the Node peer wrote no stats to " + statsFile);
    }
}
