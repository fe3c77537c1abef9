package io.windsock.benchmarks.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JDK Flight Recorder file's CPU samples ({@code jdk.ExecutionSample}, threads running
 * Java code) by top frame (self time), by method anywhere on the stack (inclusive time), by thread
 * and by library; also counts {@code jdk.NativeMethodSample} (threads inside native code: mostly
 * epoll/select waits and socket writes) separately. The same data as
 * {@code jfr print --events jdk.ExecutionSample}, counted.
 *
 * <p>Usage: {@code JfrTop <recording.jfr> [topN]}.
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> libraries = new HashMap<>();
        Map<String, Integer> nativeTop = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                if ("jdk.NativeMethodSample".equals(type)) {
                    nativeSamples++;
                    nativeTop.merge(name(frames.get(0)), 1, Integer::sum);
                    continue;
                }
                if (!"jdk.ExecutionSample".equals(type)) {
                    continue;
                }
                samples++;
                String topFrame = name(frames.get(0));
                self.merge(topFrame, 1, Integer::sum);
                libraries.merge(library(frames.get(0)), 1, Integer::sum);
                String thread = event.getThread("sampledThread") == null ? "?"
                        : event.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N").replaceAll("\\d+", "N"), 1,
                        Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String n = name(frame);
                    if (seen.add(n)) {
                        inclusive.merge(n, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("%d execution samples (threads in Java code), %d native-method samples%n%n", samples,
                nativeSamples);
        print("By thread", threads, samples, top);
        print("Self time by library (top frame's package)", libraries, samples, top);
        print("Self time by method (top frame)", self, samples, top);
        print("Inclusive time by method (anywhere on the stack)", inclusive, samples, top * 2);
        print("Native-method samples by top frame (blocked or in a system call)", nativeTop, nativeSamples, 10);
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    private static String library(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        if (m == null) {
            return "?";
        }
        String t = m.getType().getName();
        for (String prefix : new String[] {"io.windsock.", "io.netty.", "com.fasterxml.jackson.", "java.util.concurrent.",
                "java.util.", "java.lang.", "java.nio.", "sun.nio.", "jdk.internal.", "org.slf4j."}) {
            if (t.startsWith(prefix)) {
                return prefix + "*";
            }
        }
        int dot = t.lastIndexOf('.');
        return dot < 0 ? t : t.substring(0, dot) + ".*";
    }

    private static void print(String title, Map<String, Integer> counts, int total, int limit) {
        System.out.println("== " + title);
        counts.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                .limit(limit)
                .forEach(e -> System.out.printf("%6.1f%%  %6d  %s%n", total == 0 ? 0 : 100.0 * e.getValue() / total,
                        e.getValue(), e.getKey()));
        System.out.println();
    }
}
