package io.windsock.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load driver: many raw Socket.IO clients on one Netty event loop (pin the driver to
 * its own core), against any server that implements the benchmark contract:
 * {@code echo(x)} acks {@code x}; {@code join(room)} joins the room and acks;
 * {@code bcast(room, x)} emits {@code msg(x)} to everyone in the room and acks.
 *
 * <p>Scenarios ({@code --scenario}):
 * <ul>
 * <li>{@code echo-closed}: every client keeps one echo in flight (closed loop); acks/s.
 * <li>{@code echo-rate}: echoes at a fixed total rate, spread round-robin over the clients; latency
 *     is measured from each echo's intended send time, so a stalled server cannot hide its queue.
 * <li>{@code fanout}: all clients join one room; {@code bcast} at a rate giving {@code --rate}
 *     deliveries/s; latency from the broadcast's intended send time to each delivery. With
 *     {@code --port2} the clients alternate between two servers of one cluster and one client on the
 *     first ({@code --single-emitter true}, the default then) sends every broadcast; latency is also
 *     reported apart for the clients on the second server (the cross-node path).
 * <li>{@code mixed}: {@code --clients} clients, a third each on WebSocket, long-polling and polling that
 *     upgrades; each sends {@code --events} acked echoes (default 2,000) with {@code --window} in flight
 *     (default 4) after a drained warm-up; acks/s over the batch ({@link MixedScenario}, the workload of
 *     {@code node/mixed-driver.js}). Engine.IO v4 only.
 * <li>{@code storm}: {@code --clients} connections as fast as {@code --concurrency} handshakes in
 *     flight allow; connects/s, server CPU per connect, then RSS and live heap per idle connection.
 * </ul>
 * Every scenario runs with any client generation ({@code --protocol}: {@code v4}, the default;
 * {@code v3}, Engine.IO v3 as socket.io-client 2.x speaks it; {@code v09}, Socket.IO 0.9's protocol 1;
 * see {@link ClientProtocol}), over WebSocket; {@code mixed} with v4 only, over all three transports.
 * One JSON object per run is appended to {@code --out}; the server's CPU comes from
 * {@code /proc/<--server-pid>/stat} over the measured window only (after {@code --warmup}); a
 * comma-separated {@code --server-pid} sums several server processes (a cluster), and
 * {@code --redis-pid} reports the Redis server's CPU apart.
 */
public final class Driver implements RawClient.Listener {
    private enum Phase { CONNECT, JOIN, ECHO, FANOUT, IDLE }

    private final Map<String, String> opts;
    private final String scenario;
    private final String peer;
    private final String runtime;
    private final long serverPid;
    /** Every server process of the run (one, or the nodes of a cluster); CPU is their sum. */
    private final long[] serverPids;
    private final long redisPid;
    private final int clientCount;
    private final double rate;
    private final double warmupSeconds;
    private final double durationSeconds;
    private final int concurrency;
    private final byte[] echoBody;
    private final byte[] joinBody;
    private final String filler;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    /** The client generation ({@code --protocol v4|v3|v09}, default v4), bound to the server. */
    private final ClientProtocol protocol;
    /** The second server of a cluster run ({@code --port2}): odd-numbered clients connect there. Null otherwise. */
    private final InetSocketAddress remote2;
    private final ClientProtocol protocol2;
    private final boolean singleEmitter;
    private final long epoch = System.nanoTime();

    // ---- event-loop state ----
    private Phase phase = Phase.CONNECT;
    private RawClient[] pool = new RawClient[0];
    private int target;
    private int started;
    private int inFlight;
    private int readyCount;
    private int connectFailures;
    private String lastFailure;
    private long lastReadyNanos;
    private CompletableFuture<Void> connected;
    private int joined;
    private CompletableFuture<Void> allJoined;
    private boolean running;
    private boolean recording;
    private final Histogram latency = new Histogram();
    /** Deliveries to clients on the second server of a cluster run (the broadcasts that crossed nodes). */
    private final Histogram remoteLatency = new Histogram();
    private final Histogram connectLatency = new Histogram();
    private long ops;
    private long sent;
    private long closedWhileRunning;
    private Pacer pacer;

    private Driver(Map<String, String> opts) {
        this.opts = opts;
        scenario = required("scenario");
        peer = opts.getOrDefault("peer", "unknown");
        runtime = opts.getOrDefault("runtime", "java");
        serverPids = java.util.Arrays.stream(required("server-pid").split(",")).mapToLong(Long::parseLong).toArray();
        serverPid = serverPids[0];
        redisPid = Long.parseLong(opts.getOrDefault("redis-pid", "-1"));
        clientCount = Integer.parseInt(opts.getOrDefault("clients", "100"));
        rate = Double.parseDouble(opts.getOrDefault("rate", "0"));
        warmupSeconds = Double.parseDouble(opts.getOrDefault("warmup", "3"));
        durationSeconds = Double.parseDouble(opts.getOrDefault("duration", "10"));
        concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "200"));
        int payload = Integer.parseInt(opts.getOrDefault("payload", "32"));
        filler = "x".repeat(Math.max(0, payload));

        String host = opts.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(required("port"));
        String path = opts.getOrDefault("path", "/socket.io/");
        String generation = opts.getOrDefault("protocol", "v4");
        remote = new InetSocketAddress(host, port);
        protocol = ClientProtocol.of(generation, host, port, path);
        echoBody = protocol.eventBody("echo", filler);
        joinBody = protocol.eventBody("join", "bench");
        if (opts.containsKey("port2")) {
            int port2 = Integer.parseInt(opts.get("port2"));
            remote2 = new InetSocketAddress(host, port2);
            protocol2 = ClientProtocol.of(generation, host, port2, path);
        } else {
            remote2 = null;
            protocol2 = null;
        }
        singleEmitter = Boolean.parseBoolean(opts.getOrDefault("single-emitter", Boolean.toString(remote2 != null)));

        boolean epoll = Epoll.isAvailable() && !"nio".equals(opts.get("transport"));
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, factory);
        loop = group.next();
        bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: Driver --scenario echo-closed|echo-rate|fanout|storm|mixed --port P"
                        + " --server-pid PID [--peer NAME] [--runtime java|node] [--clients N] [--rate R]"
                        + " [--warmup S] [--duration S] [--payload BYTES] [--concurrency N] [--out FILE]"
                        + " [--rep N] [--node-stats-file FILE] [--path /socket.io/] [--port2 P]"
                        + " [--single-emitter true|false] [--redis-pid PID] [--protocol v4|v3|v09]"
                        + " [--events N] [--window N]");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        Driver driver = new Driver(opts);
        int status = 0;
        Map<String, Object> result;
        try {
            result = driver.run();
        } catch (Exception e) {
            result = driver.base();
            result.put("failed", e.toString());
            status = 1;
        } finally {
            driver.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        driver.write(result);
        System.exit(status);
    }

    private String required(String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private Map<String, Object> run() throws Exception {
        return switch (scenario) {
            case "echo-closed" -> echo(false);
            case "echo-rate" -> echo(true);
            case "fanout" -> fanout();
            case "storm" -> storm();
            case "mixed" -> mixed();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    // ---- scenarios ----

    private Map<String, Object> echo(boolean paced) throws Exception {
        connectAll(clientCount);
        onLoop(() -> {
            phase = Phase.ECHO;
            running = true;
            if (paced) {
                pacer = new Pacer(rate, (k, intended) -> {
                    pool[(int) (k % pool.length)].emitWithAck(echoBody, intended);
                    sent++;
                });
                pacer.run();
            } else {
                for (RawClient c : pool) {
                    c.emitWithAck(echoBody, System.nanoTime());
                }
            }
            return null;
        });
        Map<String, Object> r = measure();
        r.put("opUnit", "ack");
        return r;
    }

    private Map<String, Object> fanout() throws Exception {
        connectAll(clientCount);
        allJoined = new CompletableFuture<>();
        onLoop(() -> {
            phase = Phase.JOIN;
            for (RawClient c : pool) {
                c.emitWithAck(joinBody, System.nanoTime());
            }
            return null;
        });
        allJoined.get(30 + clientCount / 500, TimeUnit.SECONDS);
        double broadcastsPerSecond = rate / clientCount;
        onLoop(() -> {
            phase = Phase.FANOUT;
            running = true;
            pacer = new Pacer(broadcastsPerSecond, (k, intended) -> {
                RawClient emitter = singleEmitter ? pool[0] : pool[(int) (k % pool.length)];
                emitter.emitWithAck(protocol.eventBody("bcast", "bench", "T" + (intended - epoch) + "|" + filler), intended);
                sent++;
            });
            pacer.run();
            return null;
        });
        Map<String, Object> r = measure();
        r.put("opUnit", "delivery");
        r.put("broadcastsPerSec", broadcastsPerSecond);
        if (remote2 != null) {
            r.put("nodes", 2);
        }
        long broadcastsInWindow = (long) r.get("sent");
        r.put("deliveryRatio", broadcastsInWindow == 0 ? 0.0
                : round((double) (long) r.get("ops") / ((double) broadcastsInWindow * clientCount), 4));
        return r;
    }

    private Map<String, Object> mixed() throws Exception {
        Map<String, Object> r = base();
        new MixedScenario(loop, bootstrap, remote, protocol, clientCount,
                Integer.parseInt(opts.getOrDefault("events", "2000")), Integer.parseInt(opts.getOrDefault("window", "4")),
                warmupSeconds, serverPids, echoBody).run(r);
        return r;
    }

    private Map<String, Object> storm() throws Exception {
        Path stats = opts.containsKey("node-stats-file") ? Path.of(opts.get("node-stats-file")) : null;
        int warmupConnections = Integer.parseInt(opts.getOrDefault("warmup-connections", "1000"));
        if (warmupConnections > 0) {
            connectAll(warmupConnections);
            closeAll();
            Thread.sleep(2000);
        }
        // --histogram-prefix P keeps the Java class histograms as P.before.txt and P.after.txt.
        String histograms = opts.get("histogram-prefix");
        long heapBefore = LiveHeap.measure(runtime, serverPid, stats,
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
        long heapAfter = LiveHeap.measure(runtime, serverPid, stats,
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
        Map<String, Object> r = base();
        r.put("opUnit", "connect");
        r.put("ops", (long) clientCount);
        r.put("seconds", round(seconds, 3));
        r.put("connectsPerSec", round(clientCount / seconds, 1));
        r.put("opsPerSec", round(clientCount / seconds, 1));
        putCpu(r, cpu, clientCount, seconds);
        r.put("driverCpuPct", round(100.0 * driverCpu.totalNanos() / (seconds * 1e9), 1));
        putLatency(r, connectLatency);
        r.put("connectFailures", connectFailures);
        r.put("openAfterIdle", stillOpen);
        r.put("rssBeforeBytes", rssBefore);
        r.put("rssAfterBytes", rssAfter);
        r.put("rssPerConnBytes", round((double) (rssAfter - rssBefore) / clientCount, 1));
        r.put("liveHeapBeforeBytes", heapBefore);
        r.put("liveHeapAfterBytes", heapAfter);
        r.put("liveHeapPerConnBytes", heapBefore < 0 || heapAfter < 0 ? null
                : round((double) (heapAfter - heapBefore) / clientCount, 1));
        return r;
    }

    /** Warm-up, then one measured window: ops, latency and both processes' CPU. */
    private Map<String, Object> measure() throws Exception {
        Thread.sleep((long) (warmupSeconds * 1000));
        ProcStats.Cpu driverBefore = ProcStats.cpu(-1);
        ProcStats.Cpu serverBefore = ProcStats.cpu(serverPids);
        ProcStats.Cpu redisBefore = redisPid > 0 ? ProcStats.cpu(redisPid) : null;
        long[] start = onLoop(() -> {
            latency.reset();
            remoteLatency.reset();
            ops = 0;
            sent = 0;
            recording = true;
            return new long[] {System.nanoTime()};
        });
        Thread.sleep((long) (durationSeconds * 1000));
        long[] end = onLoop(() -> {
            recording = false;
            return new long[] {System.nanoTime(), ops, sent};
        });
        ProcStats.Cpu server = ProcStats.cpu(serverPids).minus(serverBefore);
        ProcStats.Cpu redis = redisBefore == null ? null : ProcStats.cpu(redisPid).minus(redisBefore);
        ProcStats.Cpu driver = ProcStats.cpu(-1).minus(driverBefore);
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
        Map<String, Object> r = base();
        r.put("ops", measuredOps);
        r.put("sent", end[2]);
        r.put("seconds", round(seconds, 3));
        r.put("opsPerSec", round(measuredOps / seconds, 1));
        putCpu(r, server, measuredOps, seconds);
        r.put("driverCpuPct", round(100.0 * driver.totalNanos() / (seconds * 1e9), 1));
        putLatency(r, snapshot);
        if (remote2 != null) {
            r.put("latRemoteP50Us", round(remoteSnapshot.percentile(0.50) / 1000.0, 1));
            r.put("latRemoteP99Us", round(remoteSnapshot.percentile(0.99) / 1000.0, 1));
        }
        if (redis != null) {  // the Redis may serve others too: an upper bound for this run
            r.put("redisCpuUsPerOp", round(measuredOps == 0 ? 0 : redis.totalNanos() / 1000.0 / measuredOps, 3));
            r.put("redisCpuPct", round(100.0 * redis.totalNanos() / (seconds * 1e9), 1));
        }
        r.put("closedWhileRunning", onLoop(() -> closedWhileRunning));
        r.put("lostAcks", onLoop(() -> {
            long lost = 0;
            for (RawClient c : pool) {
                lost += c.lostAcks;
            }
            return lost;
        }));
        closeAll();
        return r;
    }

    // ---- connections ----

    private void connectAll(int n) throws Exception {
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
        while (inFlight < concurrency && started < target) {
            open(started++);
        }
    }

    private void open(int index) {
        boolean second = remote2 != null && index % 2 == 1;
        RawClient client = new RawClient(index, this, second ? protocol2 : protocol);
        pool[index] = client;
        inFlight++;
        client.connectStartNanos = System.nanoTime();
        ChannelFuture f = bootstrap.clone().handler(client).connect(second ? remote2 : remote);
        f.addListener(future -> {
            if (!future.isSuccess()) {
                client.reportClosed(String.valueOf(future.cause()));
            }
        });
    }

    private void closeAll() throws Exception {
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
        switch (phase) {
            case ECHO -> {
                if (recording) {
                    latency.record(nowNanos - sentNanos);
                    ops++;
                }
                if (running && pacer == null) {
                    client.emitWithAck(echoBody, nowNanos);
                }
            }
            case JOIN -> {
                if (++joined == pool.length) {
                    allJoined.complete(null);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void onEvent(RawClient client, ByteBuf content, long nowNanos) {
        if (phase != Phase.FANOUT || !recording) {
            return;
        }
        int from = content.readerIndex();
        int end = from + content.readableBytes();
        int t = content.indexOf(from, end, (byte) 'T');
        if (t < 0) {
            return;
        }
        long stamp = RawClient.parseDecimal(content, t + 1, end);
        if (stamp >= 0) {
            latency.record(nowNanos - (epoch + stamp));
            if (remote2 != null && client.index % 2 == 1) {
                remoteLatency.record(nowNanos - (epoch + stamp));
            }
            ops++;
        }
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

    // ---- pacing ----

    /** Calls its action at a fixed rate on the event loop, catching up (never skipping) when late. */
    private final class Pacer implements Runnable {
        interface Action {
            void fire(long k, long intendedNanos);
        }

        private final long t0 = System.nanoTime();
        private final double intervalNanos;
        private final Action action;
        private long k;
        boolean stopped;

        Pacer(double perSecond, Action action) {
            if (perSecond <= 0) {
                throw new IllegalArgumentException("--rate must be positive");
            }
            this.intervalNanos = 1e9 / perSecond;
            this.action = action;
        }

        @Override
        public void run() {
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            while (true) {
                long due = t0 + (long) (k * intervalNanos);
                if (due > now) {
                    loop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                    return;
                }
                action.fire(k, due);
                k++;
            }
        }
    }

    // ---- results ----

    private Map<String, Object> base() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("time", Instant.now().toString());
        r.put("peer", peer);
        r.put("scenario", opts.getOrDefault("label", scenario));
        r.put("driverScenario", scenario);
        r.put("rep", Integer.parseInt(opts.getOrDefault("rep", "0")));
        r.put("clients", clientCount);
        r.put("rate", rate);
        r.put("payload", filler.length());
        r.put("transport", "websocket");
        r.put("protocol", protocol.name());
        if (lastFailure != null) {
            r.put("lastFailure", lastFailure);
        }
        return r;
    }

    static void putCpu(Map<String, Object> r, ProcStats.Cpu cpu, long ops, double seconds) {
        double perOp = ops == 0 ? 0 : 1.0 / ops / 1000.0;
        r.put("serverUserUsPerOp", round(cpu.userNanos() * perOp, 3));
        r.put("serverSysUsPerOp", round(cpu.systemNanos() * perOp, 3));
        r.put("serverCpuUsPerOp", round(cpu.totalNanos() * perOp, 3));
        r.put("serverCpuPct", round(100.0 * cpu.totalNanos() / (seconds * 1e9), 1));
    }

    static void putLatency(Map<String, Object> r, Histogram h) {
        r.put("latCount", h.count());
        r.put("latMeanUs", round(h.mean() / 1000.0, 1));
        r.put("latP50Us", round(h.percentile(0.50) / 1000.0, 1));
        r.put("latP99Us", round(h.percentile(0.99) / 1000.0, 1));
        r.put("latP999Us", round(h.percentile(0.999) / 1000.0, 1));
        r.put("latMaxUs", round(h.max() / 1000.0, 1));
    }

    private void write(Map<String, Object> result) throws IOException {
        String line = new ObjectMapper().writeValueAsString(result);
        System.out.println(line);
        String out = opts.get("out");
        if (out != null) {
            Files.writeString(Path.of(out), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(120, TimeUnit.SECONDS);
    }

    static double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return 0;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Driver[%s %s]", scenario, peer);
    }
}
