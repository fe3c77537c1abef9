package io.windsock.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-connection live heap by class: the difference of two {@code jcmd GC.class_histogram} outputs
 * (the driver's {@code --histogram-prefix}), divided by the number of connections opened between them.
 *
 * <p>Usage: {@code HeapDiff <before.txt> <after.txt> <connections> [topN]}.
 */
public final class HeapDiff {
    private HeapDiff() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, long[]> before = read(Path.of(args[0]));
        Map<String, long[]> after = read(Path.of(args[1]));
        double n = Double.parseDouble(args[2]);
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Map<String, long[]> delta = new HashMap<>();
        after.forEach((cls, a) -> {
            long[] b = before.getOrDefault(cls, new long[2]);
            delta.put(cls, new long[] {a[0] - b[0], a[1] - b[1]});
        });
        long total = delta.values().stream().mapToLong(d -> d[1]).sum();
        System.out.printf("%,.0f bytes per connection in all%n%n  bytes/conn  objects/conn  class%n", total / n);
        delta.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .limit(top)
                .forEach(e -> System.out.printf("%12.1f  %12.2f  %s%n", e.getValue()[1] / n, e.getValue()[0] / n,
                        e.getKey()));
    }

    /** @return instances and bytes by class name. */
    private static Map<String, long[]> read(Path file) throws IOException {
        Map<String, long[]> counts = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            // " num:  #instances  #bytes  class name (module)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                counts.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
                        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            }
        }
        return counts;
    }
}
