package io.windsock.benchmarks.load;

import java.nio.file.Path;
import java.util.Map;

/**
 * Connection storm: {@code --clients} connections as fast as {@code --concurrency} handshakes in flight
 * allow (after {@code --warmup-connections}, connected and closed); connects/s, server CPU per connect,
 * then, after two idle seconds, RSS and live heap per idle connection.
 */
final class StormScenario extends PoolScenario {
    StormScenario(Driver driver) {
        super(driver);
    }

    @Override
    Map<String, Object> run() throws Exception {
        Map<String, String> opts = driver.opts;
        int clientCount = driver.clientCount;
        long serverPid = driver.serverPid;
        Path stats = opts.containsKey("node-stats-file") ? Path.of(opts.get("node-stats-file")) : null;
        int warmupConnections = Integer.parseInt(opts.getOrDefault("warmup-connections", "1000"));
        if (warmupConnections > 0) {
            connectAll(warmupConnections);
            closeAll();
            Thread.sleep(2000);
        }
        // --histogram-prefix P keeps the Java class histograms as P.before.txt and P.after.txt.
        String histograms = opts.get("histogram-prefix");
        long heapBefore = LiveHeap.measure(driver.runtime, serverPid, stats,
                histograms == null ? null : Path.of(histograms + ".before.txt"));
        long rssBefore = ProcStats.rssBytes(serverPid);
        ProcStats.Cpu driverBefore = ProcStats.cpu(-1);
        onLoop(() -> {
            connectLatency.reset();
            return null;
        });
        ProcStats.Cpu cpuBefore = ProcStats.cpu(serverPid);
        long t0 = System.nanoTime();
        connectAll(clientCount);
        ProcStats.Cpu cpu = ProcStats.cpu(serverPid).minus(cpuBefore);
        long t1 = onLoop(() -> lastReadyNanos);
        ProcStats.Cpu driverCpu = ProcStats.cpu(-1).minus(driverBefore);
        Thread.sleep(2000);
        long rssAfter = ProcStats.rssBytes(serverPid);
        long heapAfter = LiveHeap.measure(driver.runtime, serverPid, stats,
                histograms == null ? null : Path.of(histograms + ".after.txt"));
        int stillOpen = onLoop(() -> {
            int open = 0;
            for (RawClient c : pool) {
                if (c.channel() != null && c.channel().isActive()) {
                    open++;
                }
            }
            return open;
        });
        closeAll();

        double seconds = (t1 - t0) / 1e9;
        Map<String, Object> r = driver.base();
        r.put("opUnit", "connect");
        r.put("ops", (long) clientCount);
        r.put("seconds", Driver.round(seconds, 3));
        r.put("connectsPerSec", Driver.round(clientCount / seconds, 1));
        r.put("opsPerSec", Driver.round(clientCount / seconds, 1));
        Driver.putCpu(r, cpu, clientCount, seconds);
        r.put("driverCpuPct", Driver.round(100.0 * driverCpu.totalNanos() / (seconds * 1e9), 1));
        Driver.putLatency(r, connectLatency);
        r.put("connectFailures", connectFailures);
        r.put("openAfterIdle", stillOpen);
        r.put("rssBeforeBytes", rssBefore);
        r.put("rssAfterBytes", rssAfter);
        r.put("rssPerConnBytes", Driver.round((double) (rssAfter - rssBefore) / clientCount, 1));
        r.put("liveHeapBeforeBytes", heapBefore);
        r.put("liveHeapAfterBytes", heapAfter);
        r.put("liveHeapPerConnBytes", heapBefore < 0 || heapAfter < 0 ? null
                : Driver.round((double) (heapAfter - heapBefore) / clientCount, 1));
        return r;
    }
}
