package io.windsock.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and memory of a process from Linux {@code /proc}: user and system time (all threads, the
 * dead ones included) from {@code /proc/<pid>/stat}, the part of it spent by a JVM's JIT compiler
 * threads (live ones) from {@code /proc/<pid>/task/*}, the time the hypervisor took from the cores the
 * process may run on ({@code steal} of {@code /proc/stat}, per core, for the cores of
 * {@code Cpus_allowed_list}), resident set size from {@code /proc/<pid>/status}, and the names of its
 * threads from {@code /proc/<pid>/task/<tid>/comm}.
 */
public final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}); 100 on Linux. */
    public static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {
    }

    /**
     * User and system CPU time of a process, in nanoseconds; how much of their sum went to JIT
     * compiler threads (0 for a process that is no HotSpot JVM): a measured window in which the
     * compilers still work is not the server's steady state; and the steal time of the cores it may
     * run on: a virtual machine's cores lose time to other guests, which slows everything down without
     * showing in any process's CPU time (a run with much of it is not comparable).
     */
    public record Cpu(long userNanos, long systemNanos, long jitNanos, long stealNanos) {
        public long totalNanos() {
            return userNanos + systemNanos;
        }

        public Cpu minus(Cpu earlier) {
            return new Cpu(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos,
                    jitNanos - earlier.jitNanos, stealNanos - earlier.stealNanos);
        }
    }

    private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;

    public static Cpu cpu(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: is the server running?", e);
        }
        return new Cpu(ticks(stat, 11) * NANOS_PER_TICK, ticks(stat, 12) * NANOS_PER_TICK,
                pid < 0 ? 0 : jitTicks(pid) * NANOS_PER_TICK, stealTicks(allowedCores(pid)) * NANOS_PER_TICK);
    }

    /** @return the cores a process may run on ({@code Cpus_allowed_list}: "1", "0-3", "0,2-3"); empty if unknown */
    static BitSet allowedCores(long pid) {
        BitSet cores = new BitSet();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.trim().split("-");
                        int first = Integer.parseInt(ends[0]);
                        cores.set(first, (ends.length == 1 ? first : Integer.parseInt(ends[1])) + 1);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            cores.clear();
        }
        return cores;
    }

    /** @return the steal ticks so far of these cores ({@code cpuN} lines of {@code /proc/stat}, field 9) */
    static long stealTicks(BitSet cores) {
        long total = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                    String[] f = line.split("\\s+");
                    if (cores.get(Integer.parseInt(f[0].substring(3))) && f.length > 8) {
                        total += Long.parseLong(f[8]);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return total;
    }

    /** @return field {@code index} after the command name of a stat line (11: utime, 12: stime) */
    private static long ticks(String stat, int index) {
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[index]);
    }

    /** @return the user and system ticks of HotSpot's compiler threads ("C1 CompilerThre", "C2 ...") */
    private static long jitTicks(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        String stat = Files.readString(task.resolve("stat"));
                        total += ticks(stat, 11) + ticks(stat, 12);
                    }
                } catch (IOException threadEnded) {
                    // A compiler thread that ended took its ticks with it; the others still count.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /** @return the CPU time of several processes together (the nodes of a cluster), each core's steal once */
    public static Cpu cpu(long... pids) {
        long user = 0;
        long system = 0;
        long jit = 0;
        BitSet cores = new BitSet();
        for (long pid : pids) {
            Cpu one = cpu(pid);
            user += one.userNanos();
            system += one.systemNanos();
            jit += one.jitNanos();
            cores.or(allowedCores(pid));
        }
        return new Cpu(user, system, jit, stealTicks(cores) * NANOS_PER_TICK);
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

    /** @return the number of cores a process may run on, or 0 if unknown */
    public static int coreCount(long pid) {
        return allowedCores(pid).cardinality();
    }

    /**
     * @return the names of a process's live threads, as the kernel keeps them (at most 15 characters:
     *     "C2 CompilerThre"), sorted
     */
    public static List<String> threadNames(long pid) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/" + pid + "/task", e);
        }
        names.sort(null);
        return names;
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
