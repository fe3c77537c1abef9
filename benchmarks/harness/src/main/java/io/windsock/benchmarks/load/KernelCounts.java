package io.windsock.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The server's system calls and context switches over the measured window ({@code --perf-stat true}),
 * counted by Linux {@code perf stat} attached to its processes: what the CPU figures cannot tell, how
 * many times per op a server enters the kernel and sleeps. Counting only (no sampling), but enabling
 * the system-call tracepoints costs each call a little: CPU figures of a counted run read a few per
 * cent high, the more so for the peer with more calls; take the speed ratios from runs without it.
 *
 * <p>Needs {@code perf} and the right to trace the server (root, or {@code perf_event_paranoid} at
 * most 1 with the tracepoints readable); without them the result line says why in {@code perfError}.
 */
final class KernelCounts {
    /** The groups a result line reports, each the sum of the events after its name. */
    private static final Map<String, List<String>> GROUPS = groups();

    private final Process perf;
    private final Path output;
    /** Why counting could not start (no perf here), or null. */
    private final String notStarted;

    private KernelCounts(Process perf, Path output, String notStarted) {
        this.perf = perf;
        this.output = output;
        this.notStarted = notStarted;
    }

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("syscalls", List.of("raw_syscalls:sys_enter"));
        // send(2)-family and write(2): the Java servers' eventfd wake-ups are writes too
        g.put("sends", List.of("syscalls:sys_enter_sendto", "syscalls:sys_enter_sendmsg",
                "syscalls:sys_enter_write", "syscalls:sys_enter_writev"));
        g.put("receives", List.of("syscalls:sys_enter_recvfrom", "syscalls:sys_enter_recvmsg",
                "syscalls:sys_enter_read", "syscalls:sys_enter_readv"));
        g.put("polls", List.of("syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait",
                "syscalls:sys_enter_epoll_pwait2", "syscalls:sys_enter_io_uring_enter"));
        g.put("futex", List.of("syscalls:sys_enter_futex"));
        g.put("ctxSwitches", List.of("context-switches"));
        return g;
    }

    /**
     * Starts counting the events of every group for these processes (their threads included). Without
     * a {@code perf} to run, the measured window goes on and its result line says so.
     */
    static KernelCounts start(long[] pids) throws IOException {
        Path output = Files.createTempFile("perf-stat", ".csv");
        String events = GROUPS.values().stream().flatMap(List::stream).collect(Collectors.joining(","));
        String pidList = Arrays.stream(pids).mapToObj(Long::toString).collect(Collectors.joining(","));
        try {
            Process perf = new ProcessBuilder("perf", "stat", "-x", ",", "-e", events, "-p", pidList,
                    "-o", output.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new KernelCounts(perf, output, null);
        } catch (IOException noPerf) {
            Files.deleteIfExists(output);
            return new KernelCounts(null, output, "perf stat could not start: " + noPerf.getMessage());
        }
    }

    /**
     * Stops counting (SIGINT, on which perf writes its counts) and puts each group's count per op in
     * the result line ({@code syscallsPerOp}, {@code sendsPerOp}, ...), or {@code perfError}.
     */
    void stopInto(Map<String, Object> result, long ops) throws IOException, InterruptedException {
        if (notStarted != null) {
            result.put("perfError", notStarted);
            return;
        }
        new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor();
        if (!perf.waitFor(10, TimeUnit.SECONDS)) {
            perf.destroyForcibly();
            result.put("perfError", "perf stat did not stop");
            return;
        }
        Map<String, Long> counts = parse(Files.readAllLines(output));
        Files.deleteIfExists(output);
        if (!counts.containsKey("context-switches")) {
            result.put("perfError", "perf stat counted nothing (exit " + perf.exitValue()
                    + "): perf missing or not allowed");
            return;
        }
        GROUPS.forEach((name, events) -> {
            long sum = events.stream().mapToLong(e -> counts.getOrDefault(e, 0L)).sum();
            result.put(name + "PerOp", ops == 0 ? 0 : Driver.round((double) sum / ops, 3));
        });
    }

    /** perf's CSV lines ({@code count,unit,event,...}); uncounted events ({@code <not counted>}) are left out. */
    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (line.startsWith("#") || fields.length < 3 || !fields[0].matches("\\d+")) {
                continue;
            }
            counts.merge(fields[2], Long.parseLong(fields[0]), Long::sum);
        }
        return counts;
    }
}
