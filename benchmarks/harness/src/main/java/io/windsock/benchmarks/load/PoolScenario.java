package io.windsock.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scenario on a pool of WebSocket clients ({@link RawClient}) of one client generation: connecting
 * them with at most {@code --concurrency} handshakes in flight (retrying a failed slot), the measured
 * window of the rate and closed-loop scenarios, closing. With {@code --port2} odd-numbered clients
 * connect to the second server.
 *
 * <p>State lives on the driver's event loop; the calling thread only waits, sleeps and reads CPU.
 */
abstract class PoolScenario implements RawClient.Listener {
    enum Phase { CONNECT, JOIN, ECHO, FANOUT, IDLE }

    final Driver driver;

    // ---- event-loop state ----
    Phase phase = Phase.CONNECT;
    RawClient[] pool = new RawClient[0];
    private int target;
    private int started;
    private int inFlight;
    private int readyCount;
    int connectFailures;
    private String lastFailure;
    long lastReadyNanos;
    private CompletableFuture<Void> connected;
    boolean running;
    boolean recording;
    final Histogram latency = new Histogram();
    /** Deliveries to clients on the second server of a cluster run (the broadcasts that crossed nodes). */
    final Histogram remoteLatency = new Histogram();
    final Histogram connectLatency = new Histogram();
    long ops;
    long sent;
    private long closedWhileRunning;
    Pacer pacer;

    PoolScenario(Driver driver) {
        this.driver = driver;
    }

    /** Runs the scenario: one result line. */
    abstract Map<String, Object> run() throws Exception;

    /** The last connection failure or close while running, for the result line; null when none. */
    String lastFailure() {
        return lastFailure;
    }

    /** Warm-up, then one measured window: ops, latency and both processes' CPU. */
    Map<String, Object> measure() throws Exception {
        Thread.sleep((long) (driver.warmupSeconds * 1000));
        ProcStats.Cpu driverBefore = ProcStats.cpu(-1);
        ProcStats.Cpu serverBefore = ProcStats.cpu(driver.serverPids);
        ProcStats.Cpu redisBefore = driver.redisPid > 0 ? ProcStats.cpu(driver.redisPid) : null;
        KernelCounts kernel = driver.perfStat ? KernelCounts.start(driver.serverPids) : null;
        long[] start = onLoop(() -> {
            latency.reset();
            remoteLatency.reset();
            ops = 0;
            sent = 0;
            recording = true;
            return new long[] {System.nanoTime()};
        });
        Thread.sleep((long) (driver.durationSeconds * 1000));
        long[] end = onLoop(() -> {
            recording = false;
            return new long[] {System.nanoTime(), ops, sent};
        });
        ProcStats.Cpu server = ProcStats.cpu(driver.serverPids).minus(serverBefore);
        Map<String, Object> counted = new java.util.LinkedHashMap<>();
        if (kernel != null) {
            kernel.stopInto(counted, end[1]);
        }
        ProcStats.Cpu redis = redisBefore == null ? null : ProcStats.cpu(driver.redisPid).minus(redisBefore);
        ProcStats.Cpu driverCpu = ProcStats.cpu(-1).minus(driverBefore);
        Histogram remoteSnapshot = onLoop(() -> {
            Histogram copy = new Histogram();
            copy.add(remoteLatency);
            return copy;
        });
        Histogram snapshot = onLoop(() -> {
            running = false;
            if (pacer != null) {
                pacer.stopped = true;
            }
            Histogram copy = new Histogram();
            copy.add(latency);
            return copy;
        });
        double seconds = (end[0] - start[0]) / 1e9;
        long measuredOps = end[1];
        Map<String, Object> r = driver.base();
        r.put("ops", measuredOps);
        r.put("sent", end[2]);
        r.put("seconds", Driver.round(seconds, 3));
        r.put("opsPerSec", Driver.round(measuredOps / seconds, 1));
        Driver.putCpu(r, server, measuredOps, seconds);
        r.put("driverCpuPct", Driver.round(100.0 * driverCpu.totalNanos() / (seconds * 1e9), 1));
        r.putAll(counted);
        Driver.putLatency(r, snapshot);
        if (driver.remote2 != null) {
            r.put("latRemoteP50Us", Driver.round(remoteSnapshot.percentile(0.50) / 1000.0, 1));
            r.put("latRemoteP99Us", Driver.round(remoteSnapshot.percentile(0.99) / 1000.0, 1));
        }
        if (redis != null) {  // the Redis may serve others too: an upper bound for this run
            r.put("redisCpuUsPerOp", Driver.round(measuredOps == 0 ? 0 : redis.totalNanos() / 1000.0 / measuredOps, 3));
            r.put("redisCpuPct", Driver.round(100.0 * redis.totalNanos() / (seconds * 1e9), 1));
        }
        r.put("closedWhileRunning", onLoop(() -> closedWhileRunning));
        r.put("lostAcks", onLoop(() -> {
            long lost = 0;
            for (RawClient c : pool) {
                lost += c.lostAcks();
            }
            return lost;
        }));
        closeAll();
        return r;
    }

    // ---- connections ----

    void connectAll(int n) throws Exception {
        CompletableFuture<Void> done = onLoop(() -> {
            phase = Phase.CONNECT;
            pool = new RawClient[n];
            target = n;
            started = 0;
            inFlight = 0;
            readyCount = 0;
            connected = new CompletableFuture<>();
            startMore();
            return connected;
        });
        done.get(Math.max(60, n / 50), TimeUnit.SECONDS);
    }

    private void startMore() {
        while (inFlight < driver.concurrency && started < target) {
            open(started++);
        }
    }

    private void open(int index) {
        boolean second = driver.remote2 != null && index % 2 == 1;
        RawClient client = new RawClient(index, this, second ? driver.protocol2 : driver.protocol);
        pool[index] = client;
        inFlight++;
        client.connectStartNanos = System.nanoTime();
        ChannelFuture f = driver.bootstrap.clone().handler(client).connect(second ? driver.remote2 : driver.remote);
        f.addListener(future -> {
            if (!future.isSuccess()) {
                client.reportClosed(String.valueOf(future.cause()));
            }
        });
    }

    void closeAll() throws Exception {
        List<ChannelFuture> closing = onLoop(() -> {
            phase = Phase.IDLE;
            List<ChannelFuture> fs = new ArrayList<>();
            for (RawClient c : pool) {
                if (c != null && c.channel() != null) {
                    fs.add(c.channel().close());
                }
            }
            return fs;
        });
        for (ChannelFuture f : closing) {
            f.await(10, TimeUnit.SECONDS);
        }
    }

    // ---- listener ----

    @Override
    public void onReady(RawClient client) {
        if (phase != Phase.CONNECT) {
            return;
        }
        long now = System.nanoTime();
        inFlight--;
        readyCount++;
        lastReadyNanos = now;
        connectLatency.record(now - client.connectStartNanos);
        if (readyCount == target) {
            connected.complete(null);
        } else {
            startMore();
        }
    }

    @Override
    public void onAck(RawClient client, long id, long sentNanos, long nowNanos) {
    }

    @Override
    public void onEvent(RawClient client, ByteBuf content, long nowNanos) {
    }

    @Override
    public void onClosed(RawClient client, boolean wasReady, String why) {
        if (phase == Phase.CONNECT && !wasReady) {
            inFlight--;
            connectFailures++;
            lastFailure = why;
            if (connectFailures > Math.max(10, target / 20)) {
                connected.completeExceptionally(new IOException(
                        connectFailures + " connections failed, the last: " + why));
                return;
            }
            open(client.index); // retry the same slot
        } else if (phase != Phase.IDLE && phase != Phase.CONNECT) {
            closedWhileRunning++;
            lastFailure = why;
        }
    }

    <T> T onLoop(Callable<T> task) throws Exception {
        return driver.loop.submit(task).get(120, TimeUnit.SECONDS);
    }
}
