package io.windsock.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load driver: many raw Socket.IO clients on one Netty event loop (pin the driver to
 * its own core), against any server that implements the benchmark contract:
 * {@code echo(x)} acks {@code x}; {@code join(room)} joins the room and acks;
 * {@code bcast(room, x)} emits {@code msg(x)} to everyone in the room and acks.
 *
 * <p>Scenarios ({@code --scenario}):
 * <ul>
 * <li>{@code echo-closed}: every client keeps one echo in flight (closed loop); acks/s ({@link EchoScenario}).
 * <li>{@code echo-rate}: echoes at a fixed total rate, spread round-robin over the clients; latency
 *     is measured from each echo's intended send time, so a stalled server cannot hide its queue.
 * <li>{@code fanout}: all clients join one room; {@code bcast} at a rate giving {@code --rate}
 *     deliveries/s; latency from the broadcast's intended send time to each delivery. With
 *     {@code --port2} the clients alternate between two servers of one cluster and one client on the
 *     first ({@code --single-emitter true}, the default then) sends every broadcast; latency is also
 *     reported apart for the clients on the second server (the cross-node path); {@link FanoutScenario}.
 * <li>{@code mixed}: {@code --clients} clients, a third each on WebSocket, long-polling and polling that
 *     upgrades; each sends {@code --events} acked echoes (default 2,000) with {@code --window} in flight
 *     (default 4) after a drained warm-up; acks/s over the batch ({@link MixedScenario}, the workload of
 *     {@code node/mixed-driver.js}). Engine.IO v4 only.
 * <li>{@code storm}: {@code --clients} connections as fast as {@code --concurrency} handshakes in
 *     flight allow; connects/s, server CPU per connect, then RSS and live heap per idle connection ({@link StormScenario}).
 * <li>{@code footprint}: the server's threads as it starts, then {@code echo-closed}, then with every client
 *     connected and idle its threads, RSS and live heap ({@link FootprintScenario}).
 * </ul>
 * Every scenario runs with any client generation ({@code --protocol}: {@code v4}, the default;
 * {@code v3}, Engine.IO v3 as socket.io-client 2.x speaks it; {@code v09}, Socket.IO 0.9's protocol 1;
 * see {@link ClientProtocol}), over WebSocket; {@code mixed} with v4 only, over all three transports.
 * One JSON object per run is appended to {@code --out}; the server's CPU comes from
 * {@code /proc/<--server-pid>/stat} over the measured window only (after {@code --warmup}); a
 * comma-separated {@code --server-pid} sums several server processes (a cluster), and
 * {@code --redis-pid} reports the Redis server's CPU apart. With {@code --perf-stat true} the scenarios
 * on a pool of clients also count the server's system calls and context switches per op ({@link KernelCounts}).
 *
 * <p>This class reads the arguments, runs the scenario and writes its line; the scenarios on a pool of
 * WebSocket clients share {@link PoolScenario}.
 */
public final class Driver {
    final Map<String, String> opts;
    private final String scenario;
    private final String peer;
    final String runtime;
    final long serverPid;
    /** Every server process of the run (one, or the nodes of a cluster); CPU is their sum. */
    final long[] serverPids;
    final long redisPid;
    final int clientCount;
    final double rate;
    final double warmupSeconds;
    final double durationSeconds;
    final int concurrency;
    final byte[] echoBody;
    final byte[] joinBody;
    final String filler;

    private final EventLoopGroup group;
    final EventLoop loop;
    final Bootstrap bootstrap;
    final InetSocketAddress remote;
    /** The client generation ({@code --protocol v4|v3|v09}, default v4), bound to the server. */
    final ClientProtocol protocol;
    /** The second server of a cluster run ({@code --port2}): odd-numbered clients connect there. Null otherwise. */
    final InetSocketAddress remote2;
    final ClientProtocol protocol2;
    final boolean singleEmitter;
    /** {@code --perf-stat true}: the server's system calls and context switches per op ({@link KernelCounts}). */
    final boolean perfStat;
    final long epoch = System.nanoTime();
    /** The running scenario on a pool of WebSocket clients, for its last failure; null for {@code mixed}. */
    private PoolScenario pooled;

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
        perfStat = Boolean.parseBoolean(opts.getOrDefault("perf-stat", "false"));
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
                System.err.println("usage: Driver --scenario echo-closed|echo-rate|fanout|storm|footprint|mixed --port P"
                        + " --server-pid PID [--peer NAME] [--runtime java|node] [--clients N] [--rate R]"
                        + " [--warmup S] [--duration S] [--payload BYTES] [--concurrency N] [--out FILE]"
                        + " [--rep N] [--node-stats-file FILE] [--path /socket.io/] [--port2 P]"
                        + " [--single-emitter true|false] [--redis-pid PID] [--protocol v4|v3|v09]"
                        + " [--events N] [--window N] [--perf-stat true]");
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
            case "echo-closed" -> run(new EchoScenario(this, false));
            case "echo-rate" -> run(new EchoScenario(this, true));
            case "fanout" -> run(new FanoutScenario(this));
            case "storm" -> run(new StormScenario(this));
            case "footprint" -> run(new FootprintScenario(this));
            case "mixed" -> mixed();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    private Map<String, Object> run(PoolScenario s) throws Exception {
        pooled = s;
        return s.run();
    }

    private Map<String, Object> mixed() throws Exception {
        Map<String, Object> r = base();
        new MixedScenario(loop, bootstrap, remote, protocol, clientCount,
                Integer.parseInt(opts.getOrDefault("events", "2000")), Integer.parseInt(opts.getOrDefault("window", "4")),
                warmupSeconds, serverPids, echoBody).run(r);
        return r;
    }

    // ---- results ----

    /** The fields every result line starts with. */
    Map<String, Object> base() {
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
        String lastFailure = pooled == null ? null : pooled.lastFailure();
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
        r.put("serverJitPct", round(100.0 * cpu.jitNanos() / (seconds * 1e9), 1));
        r.put("serverStealPct", round(100.0 * cpu.stealNanos() / (seconds * 1e9), 1));
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
