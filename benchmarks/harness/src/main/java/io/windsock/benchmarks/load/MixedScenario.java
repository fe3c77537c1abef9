package io.windsock.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Mixed-transport maximum throughput, the workload of {@code node/mixed-driver.js} on raw clients: client
 * {@code i} of kind {@code i % 3}, WebSocket only ({@link RawClient}), long-polling only, or polling that
 * upgrades to WebSocket ({@link PollingClient}). Every client sends {@code events} acked echoes keeping
 * {@code window} in flight (each ack sends the next). Before the measured batch, {@code warmup} seconds of
 * the same traffic, drained first; every upgrading client has upgraded before any traffic. Measured from
 * the batch's first send to its last ack: acks/s, server and driver CPU, latency from send to ack
 * (overall and per kind, {@code byTransport}), and how evenly the acks come ({@code ackWindows}). The
 * fields are those of the Node driver's line, and that one.
 *
 * <p>State lives on the driver's event loop; the calling thread only waits, sleeps and reads CPU.
 */
final class MixedScenario implements RawClient.Listener, PollingClient.Listener {
    private static final String[] KINDS = {"websocket", "polling", "upgrade"};
    private static final int WEBSOCKET = 0;
    private static final int UPGRADE = 2;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final ClientProtocol protocol;
    private final String path;
    private final int clients;
    private final int events;
    private final int window;
    private final double warmupSeconds;
    private final long[] serverPids;
    private final byte[] echoBody;
    /** How many clients are of the upgrading kind ({@code i % 3 == 2}). */
    private final int upgradingClients;

    // ---- event-loop state ----
    private final RawClient[] webSockets;
    private final PollingClient[] polling;
    private final int[] sent;
    private final int[] acked;
    private final int[] inFlight;
    /** Acks each client must get in the batch; 0 in the warm-up (it sends while {@link #running}). */
    private int target;
    private boolean running;
    private boolean recording;
    /** Closing at the end: closes are expected. */
    private boolean closing;
    private int readyCount;
    private int upgradedCount;
    private int doneCount;
    private long lastAckNanos;
    private long closedWhileRunning;
    private final CompletableFuture<Void> allReady = new CompletableFuture<>();
    private final CompletableFuture<Void> allUpgraded = new CompletableFuture<>();
    private CompletableFuture<Void> phaseDone = new CompletableFuture<>();
    private final Histogram latency = new Histogram();
    /** Acks of the batch per {@link #WINDOW_NANOS} from its start: how evenly the server answers. */
    private final AckWindows windows = new AckWindows();
    private final Histogram[] latencyByKind = {new Histogram(), new Histogram(), new Histogram()};

    MixedScenario(EventLoop loop, Bootstrap bootstrap, InetSocketAddress remote, ClientProtocol protocol,
            int clients, int events, int window, double warmupSeconds, long[] serverPids, byte[] echoBody) {
        if (!"v4".equals(protocol.name())) {
            throw new IllegalArgumentException("the mixed scenario speaks Engine.IO v4 only");
        }
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.remote = remote;
        this.protocol = protocol;
        this.path = protocol.path;
        this.clients = clients;
        this.events = events;
        this.window = window;
        this.warmupSeconds = warmupSeconds;
        this.serverPids = serverPids;
        this.echoBody = echoBody;
        this.upgradingClients = (clients - UPGRADE + 2) / 3;
        webSockets = new RawClient[clients];
        polling = new PollingClient[clients];
        sent = new int[clients];
        acked = new int[clients];
        inFlight = new int[clients];
    }

    /** Runs the scenario and adds its fields to {@code r} (the driver's common fields). */
    void run(Map<String, Object> r) throws Exception {
        onLoop(() -> {
            for (int i = 0; i < clients; i++) {
                connect(i);
            }
            if (upgradingClients == 0) {
                allUpgraded.complete(null);
            }
            return null;
        });
        await(allReady, 60, "connect");
        await(allUpgraded, 30, "upgrade");

        CompletableFuture<Void> warm = onLoop(() -> startPhase(0, false));
        Thread.sleep((long) (warmupSeconds * 1000));
        onLoop(() -> {
            running = false;
            for (int i = 0; i < clients; i++) {
                if (inFlight[i] == 0) {
                    clientDone(i);
                }
            }
            return null;
        });
        await(warm, 60, "warm-up drain");

        ProcStats.Cpu server0 = ProcStats.cpu(serverPids);
        ProcStats.Cpu driver0 = ProcStats.cpu(-1);
        long t0 = System.nanoTime();
        CompletableFuture<Void> batch = onLoop(() -> startPhase(events, true));
        await(batch, 300, "batch");
        ProcStats.Cpu server = ProcStats.cpu(serverPids).minus(server0);
        ProcStats.Cpu driver = ProcStats.cpu(-1).minus(driver0);
        long t1 = onLoop(() -> lastAckNanos);

        long ops = (long) clients * events;
        double seconds = (t1 - t0) / 1e9;
        r.put("transport", "mixed");
        r.put("agent", "keepalive"); // two keep-alive connections per polling client, GETs and POSTs
        r.put("eventsPerClient", events);
        r.put("window", window);
        r.put("ops", ops);
        r.put("seconds", Driver.round(seconds, 3));
        r.put("opsPerSec", Driver.round(ops / seconds, 1));
        Driver.putCpu(r, server, ops, seconds);
        r.put("driverCpuPct", Driver.round(100.0 * driver.totalNanos() / (seconds * 1e9), 1));
        // Per ack beside the server's: the driver must cost well below it for events/s to be the server's.
        r.put("driverCpuUsPerOp", Driver.round(driver.totalNanos() / 1000.0 / ops, 3));
        r.put("driverSysUsPerOp", Driver.round(driver.systemNanos() / 1000.0 / ops, 3));
        Driver.putLatency(r, latency);
        r.put("byTransport", onLoop(this::byTransport));
        r.put("ackWindows", onLoop(windows::summary));
        r.put("closedWhileRunning", onLoop(() -> closedWhileRunning));
        r.put("lostAcks", onLoop(this::lostAcks));
        r.put("opUnit", "ack");
        onLoop(() -> {
            closing = true;
            for (int i = 0; i < clients; i++) {
                if (webSockets[i] != null) {
                    webSockets[i].close();
                }
                if (polling[i] != null) {
                    polling[i].close();
                }
            }
            return null;
        });
    }

    private void connect(int i) {
        if (i % 3 == WEBSOCKET) {
            RawClient client = new RawClient(i, this, protocol);
            webSockets[i] = client;
            bootstrap.clone().handler(client).connect(remote).addListener(f -> {
                if (!f.isSuccess()) {
                    client.reportClosed(String.valueOf(f.cause()));
                }
            });
        } else {
            polling[i] = new PollingClient(i, i % 3 == UPGRADE, this, this, bootstrap, remote, path);
            polling[i].connect();
        }
    }

    // ---- traffic (on the loop) ----

    private CompletableFuture<Void> startPhase(int acksPerClient, boolean record) {
        phaseDone = new CompletableFuture<>();
        target = acksPerClient;
        running = true;
        recording = record;
        doneCount = 0;
        latency.reset();
        windows.start(System.nanoTime());
        for (Histogram h : latencyByKind) {
            h.reset();
        }
        java.util.Arrays.fill(sent, 0);
        java.util.Arrays.fill(acked, 0);
        for (int i = 0; i < clients; i++) {
            pump(i);
        }
        return phaseDone;
    }

    /** Sends until the window is full, while the phase wants more. */
    private void pump(int i) {
        while (inFlight[i] < window && (target > 0 ? sent[i] < target : running)) {
            sent[i]++;
            inFlight[i]++;
            long now = System.nanoTime();
            if (webSockets[i] != null) {
                webSockets[i].emitWithAck(echoBody, now);
            } else {
                polling[i].emitWithAck(echoBody, now);
            }
        }
    }

    private void acked(int i, long sentNanos, long now) {
        inFlight[i]--;
        acked[i]++;
        if (recording) {
            windows.record(now);
            latency.record(now - sentNanos);
            latencyByKind[i % 3].record(now - sentNanos);
        }
        lastAckNanos = now;
        if (target > 0 ? acked[i] == target : !running && inFlight[i] == 0) {
            clientDone(i);
        } else {
            pump(i);
        }
    }

    private void clientDone(int i) {
        if (++doneCount == clients) {
            phaseDone.complete(null);
        }
    }

    private void failed(int i, String why) {
        if (closing) {
            return;
        }
        closedWhileRunning++;
        IOException e = new IOException(KINDS[i % 3] + " client " + i + ": " + why);
        allReady.completeExceptionally(e);
        allUpgraded.completeExceptionally(e);
        phaseDone.completeExceptionally(e);
    }

    private void ready() {
        if (++readyCount == clients) {
            allReady.complete(null);
        }
    }

    // ---- listeners ----

    @Override
    public void onReady(RawClient client) {
        ready();
    }

    @Override
    public void onAck(RawClient client, long id, long sentNanos, long nowNanos) {
        acked(client.index, sentNanos, nowNanos);
    }

    @Override
    public void onEvent(RawClient client, ByteBuf content, long nowNanos) {
    }

    @Override
    public void onClosed(RawClient client, boolean wasReady, String why) {
        failed(client.index, "WebSocket: " + why);
    }

    @Override
    public void onReady(PollingClient client) {
        ready();
    }

    @Override
    public void onUpgraded(PollingClient client) {
        if (++upgradedCount == upgradingClients) {
            allUpgraded.complete(null);
        }
    }

    @Override
    public void onAck(PollingClient client, long sentNanos, long nowNanos) {
        acked(client.index, sentNanos, nowNanos);
    }

    @Override
    public void onClosed(PollingClient client, String why) {
        failed(client.index, why);
    }

    // ---- results ----

    private Map<String, Object> byTransport() {
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (int k = 0; k < KINDS.length; k++) {
            int count = 0;
            int onWebSocket = 0;
            for (int i = k; i < clients; i += 3) {
                count++;
                boolean ws = webSockets[i] != null ? webSockets[i].channel().isActive() : polling[i].onWebSocket();
                onWebSocket += ws ? 1 : 0;
            }
            Map<String, Object> kind = new LinkedHashMap<>();
            kind.put("clients", count);
            kind.put("p50Us", Driver.round(latencyByKind[k].percentile(0.50) / 1000.0, 1));
            kind.put("p99Us", Driver.round(latencyByKind[k].percentile(0.99) / 1000.0, 1));
            kind.put("stillWebSocket", onWebSocket);
            kinds.put(KINDS[k], kind);
        }
        return kinds;
    }

    private long lostAcks() {
        long lost = 0;
        for (int i = 0; i < clients; i++) {
            lost += webSockets[i] != null ? webSockets[i].lostAcks() : polling[i].lostAcks();
        }
        return lost;
    }

    /** Which clients are not done: ready, upgraded, waiting for acks, by kind (for a phase that timed out). */
    private String waiting() {
        int[] pending = new int[3];
        for (int i = 0; i < clients; i++) {
            if (inFlight[i] > 0) {
                pending[i % 3]++;
            }
        }
        return "; ready " + readyCount + "/" + clients + ", upgraded " + upgradedCount
                + ", clients waiting for acks (websocket/polling/upgrade): " + pending[0] + "/" + pending[1] + "/"
                + pending[2];
    }

    private void await(CompletableFuture<Void> f, long seconds, String what) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException(what + ": not within " + seconds + " s" + onLoop(this::waiting));
        } catch (ExecutionException e) {
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(120, TimeUnit.SECONDS);
    }

    /**
     * Acks counted per 10 ms window of the batch: how evenly a server answers. One that writes as it
     * reads (Node) spreads them; one whose writes wait until it has read every ready connection answers
     * in bursts, with quiet windows between them (docs/benchmarks.md: fewer quiet windows did not by
     * themselves mean a shorter tail). Quiet: under a quarter of the median window's acks.
     */
    private static final class AckWindows {
        private static final long WINDOW_NANOS = 10_000_000L;
        /** Windows of a batch of up to 10 minutes; acks after that count in the last. */
        private final int[] acks = new int[60_000];
        private long start;
        private int last;

        void start(long nanos) {
            start = nanos;
            last = 0;
            java.util.Arrays.fill(acks, 0);
        }

        void record(long nanos) {
            int window = (int) Math.min(acks.length - 1, Math.max(0, (nanos - start) / WINDOW_NANOS));
            acks[window]++;
            last = Math.max(last, window);
        }

        Map<String, Object> summary() {
            // The last window is cut short by the batch's end: not counted.
            int count = last;
            int[] sorted = java.util.Arrays.copyOf(acks, count);
            java.util.Arrays.sort(sorted);
            int median = count == 0 ? 0 : sorted[count / 2];
            int quiet = 0;
            for (int i = 0; i < count; i++) {
                if (acks[i] * 4 < median) {
                    quiet++;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("windowMs", WINDOW_NANOS / 1_000_000);
            m.put("windows", count);
            m.put("medianAcks", median);
            m.put("quietWindows", quiet);
            m.put("quietPct", count == 0 ? 0.0 : Driver.round(100.0 * quiet / count, 1));
            return m;
        }
    }
}
