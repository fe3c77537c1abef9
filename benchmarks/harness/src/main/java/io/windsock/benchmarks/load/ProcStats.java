package io.windsock.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process from Linux {@code /proc}: user and system time (all threads, the
 * dead ones included) from {@code /proc/<pid>/stat}, resident set size from {@code /proc/<pid>/status}.
 */
public final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}); 100 on Linux. */
    public static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {
    }

    /** User and system CPU time of a process, in nanoseconds. */
    public record Cpu(long userNanos, long systemNanos) {
        public long totalNanos() {
            return userNanos + systemNanos;
        }

        public Cpu minus(Cpu earlier) {
            return new Cpu(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
        }
    }

    public static Cpu cpu(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: is the server running?", e);
        }
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(f[11]); // field 14
        long stime = Long.parseLong(f[12]); // field 15
        long nanosPerTick = 1_000_000_000L / TICKS_PER_SECOND;
        return new Cpu(utime * nanosPerTick, stime * nanosPerTick);
    }

    /** @return the CPU time of several processes together (the nodes of a cluster) */
    public static Cpu cpu(long... pids) {
        long user = 0;
        long system = 0;
        for (long pid : pids) {
            Cpu one = cpu(pid);
            user += one.userNanos();
            system += one.systemNanos();
        }
        return new Cpu(user, system);
    }

    /** @return the resident set size in bytes. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
        }
        return -1;
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
