package io.windsock.benchmarks.load;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a server holds at rest ({@code footprint}): its threads as it starts, then {@code --clients}
 * WebSocket clients connect and echo in a closed loop (as {@code echo-closed}: warm-up, measured window),
 * stop, and after two idle seconds with every client still connected, its threads, resident set size and
 * live heap. Run it on a fresh server: the threads "at start" are those of a server no client reached.
 *
 * <p>Threads are counted in all ({@code /proc/<pid>/task}) and, for a JVM, without the JVM's own (its
 * collector, compilers, reference handler and the like, recognised by the names HotSpot gives them):
 * what is left are the server's, which the speed issue bounds by the cores plus four. A Node server's
 * threads are all the runtime's (its event loop, V8's platform workers, libuv's pool).
 */
final class FootprintScenario extends EchoScenario {
    /** Names, or name prefixes ending in '#', of HotSpot's own threads as the kernel shows them (15 characters). */
    private static final Set<String> JVM_THREADS = Set.of("java", "VM Thread", "VM Periodic Tas", "Reference Handl",
            "Finalizer", "Signal Dispatch", "Service Thread", "Monitor Deflati", "C1 CompilerThre", "C2 CompilerThre",
            "Sweeper thread", "Common-Cleaner", "Notification Th", "Attach Listener", "process reaper", "DestroyJavaVM",
            "G1 Main Marker", "G1 Service", "VM JFR Buffer T", "JFR Periodic Ta", "JFR Recorder Th", "JFR Shutdown Ho",
            "GC Thread#", "G1 Conc#", "G1 Refine#", "G1 Young RemSet");

    FootprintScenario(Driver driver) {
        super(driver, false);
    }

    @Override
    Map<String, Object> run() throws Exception {
        long pid = driver.serverPid;
        List<String> atStart = ProcStats.threadNames(pid);
        long rssAtStart = ProcStats.rssBytes(pid);
        Map<String, Object> r = super.run();
        Thread.sleep(2000); // the echoes stopped with the window; the server goes idle with every client connected
        List<String> withClients = ProcStats.threadNames(pid);
        long rssWithClients = ProcStats.rssBytes(pid);
        // After the threads: attaching jcmd starts the JVM's attach listener.
        Path stats = driver.opts.containsKey("node-stats-file") ? Path.of(driver.opts.get("node-stats-file")) : null;
        long heap = LiveHeap.measure(driver.runtime, pid, stats);
        closeAll();
        boolean jvm = "java".equals(driver.runtime);
        r.put("serverCores", ProcStats.coreCount(pid));
        r.put("threadsAtStart", atStart.size());
        r.put("threadsWithClients", withClients.size());
        if (jvm) {
            r.put("appThreadsAtStart", serverOwn(atStart).size());
            r.put("appThreadsWithClients", serverOwn(withClients).size());
        }
        r.put("threadNamesWithClients", summary(jvm ? serverOwn(withClients) : withClients));
        r.put("rssAtStartBytes", rssAtStart);
        r.put("rssWithClientsBytes", rssWithClients);
        r.put("liveHeapWithClientsBytes", heap);
        return r;
    }

    /** @return the threads that are not the JVM's own */
    static List<String> serverOwn(List<String> names) {
        return names.stream().filter(name -> !isJvmThread(name)).toList();
    }

    static boolean isJvmThread(String name) {
        if (JVM_THREADS.contains(name)) {
            return true;
        }
        int hash = name.indexOf('#');
        return hash > 0 && JVM_THREADS.contains(name.substring(0, hash + 1));
    }

    /** "windsock-handler-1, windsock-io-1 ×2": names with their numbers dropped, and a count where above one. */
    static String summary(List<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : names) {
            counts.merge(name.replaceAll("[-#]?\\d+$", ""), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((name, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append(n > 1 ? " ×" + n : ""));
        return sb.toString();
    }
}
