package io.windsock.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns the runner's {@code results.jsonl} (one line per run) into medians per scenario and peer:
 * {@code summary.csv}, {@code summary.json}, {@code summary.md} (tables with ratios to Node
 * socket.io and to the plain Netty ceiling, and the targets of the benchmark issue) and
 * {@code chart.svg}, drawn here with no plotting library.
 *
 * <p>Usage: {@code Report <results.jsonl> <output dir>}.
 */
public final class Report {
    static final String NODE = "node-socketio";
    static final String CEILING = "netty-echo";
    static final String WINDSOCK = "windsock";

    /** Scenario labels in the order of the issue, with what one op is. */
    static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("s1-echo-closed", "1. echo with ack, 100 WebSocket clients, closed loop");
        SCENARIOS.put("s2-echo-20k", "2. echo with ack at a fixed 20,000/s, 100 WebSocket clients");
        SCENARIOS.put("s3-fanout-1k", "3a. room fan-out, 1,000 clients in one room, 50,000 deliveries/s");
        SCENARIOS.put("s3-fanout-10k", "3b. room fan-out, 10,000 clients in one room, 50,000 deliveries/s");
        SCENARIOS.put("s4-storm-10k", "4. connection storm, 10,000 WebSocket connections");
        SCENARIOS.put("s5-polling-echo", "5. long-polling echo with ack, 50 socket.io-client 4.8 clients, closed loop, "
                + "keep-alive connections");
        SCENARIOS.put("s5b-polling-newconn", "5b. long-polling echo as in 5, a new TCP connection per request "
                + "(the Node client's default)");
        SCENARIOS.put("s6-echo-v4-ws", "6. echo with ack at a fixed 10,000/s, 100 WebSocket clients: Engine.IO v4");
        SCENARIOS.put("s6-echo-v3-ws", "6. echo with ack at a fixed 10,000/s, 100 WebSocket clients: Engine.IO v3 "
                + "(socket.io-client 2.x)");
        SCENARIOS.put("s6-echo-v09-ws", "6. echo with ack at a fixed 10,000/s, 100 WebSocket clients: Socket.IO 0.9 "
                + "(protocol 1)");
        SCENARIOS.put("s6-polling-v4", "6. long-polling echo as in 5: socket.io-client 4.8.4");
        SCENARIOS.put("s6-polling-v3", "6. long-polling echo as in 5: socket.io-client 2.5.0 (Engine.IO v3)");
        SCENARIOS.put("s6-polling-v09", "6. long-polling echo as in 5: socket.io-client 0.9.16 (xhr-polling)");
        SCENARIOS.put("s7-cluster-fanout", "7. room fan-out across two nodes joined by Redis, 1,000 clients split over "
                + "both, one emitter, 50,000 deliveries/s");
        SCENARIOS.put("s7s-cluster-fanout-streams", "7s. as 7, the two nodes joined by a Redis stream (the streams "
                + "adapters: Windsock's, @socket.io/redis-streams-adapter 0.3.1)");
        SCENARIOS.put("s8-mixed-200", "8. maximum throughput: 200 socket.io-client 4.8 clients (WebSocket, polling, "
                + "polling then upgrade), 2,000 acked echoes each, 4 in flight, keep-alive polling");
        SCENARIOS.put("s8b-mixed-200-newconn", "8b. as 8, a new TCP connection per polling request");
        SCENARIOS.put("s8j-mixed-200", "8j. as 8, from the Java driver: raw clients, two keep-alive connections per "
                + "polling client");
        SCENARIOS.put(FootprintTable.SCENARIO, "9. footprint: threads of a fresh server, then threads, RSS and live heap "
                + "with 100 WebSocket clients connected and idle after a closed-loop echo");
    }

    static final List<String> PEER_ORDER = List.of(WINDSOCK, FootprintTable.LEAN, "windsock-inline", NODE,
            "netty-socketio", CEILING);

    static final String[] METRICS = Stream.concat(Stream.of(
        "opsPerSec", "serverCpuUsPerOp", "serverUserUsPerOp", "serverSysUsPerOp", "serverCpuPct", "driverCpuPct", "serverJitPct",
        "serverStealPct",
        "latP50Us", "latP99Us", "latP999Us", "latMaxUs", "connectsPerSec", "rssPerConnBytes", "liveHeapPerConnBytes",
        "deliveryRatio", "latRemoteP50Us", "latRemoteP99Us", "redisCpuUsPerOp"),
        Arrays.stream(FootprintTable.METRICS)).toArray(String[]::new);

    private Report() {
    }

    /** Medians of one scenario and peer. */
    record Cell(String scenario, String peer, int runs, int failed, Map<String, Double> median, List<String> failures) {
        Double get(String metric) {
            return median.get(metric);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Report <results.jsonl> <output dir>");
            System.exit(2);
        }
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> runs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                runs.add(mapper.readTree(line));
            }
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Map<String, Map<String, Cell>> cells = aggregate(runs);
        Files.writeString(out.resolve("summary.csv"), csv(cells));
        Files.writeString(out.resolve("summary.json"), json(mapper, cells));
        Files.writeString(out.resolve("summary.md"), markdown(cells));
        Files.writeString(out.resolve("chart.svg"), Chart.svg(cells));
        System.out.print(markdown(cells));
    }

    static Map<String, Map<String, Cell>> aggregate(List<JsonNode> runs) {
        Map<String, Map<String, List<JsonNode>>> grouped = new LinkedHashMap<>();
        for (String s : SCENARIOS.keySet()) {
            grouped.put(s, new LinkedHashMap<>());
        }
        for (JsonNode run : runs) {
            grouped.computeIfAbsent(run.path("scenario").asText(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(run.path("peer").asText(), k -> new ArrayList<>()).add(run);
        }
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        for (var scenario : grouped.entrySet()) {
            Map<String, Cell> byPeer = new LinkedHashMap<>();
            List<String> peers = new ArrayList<>(scenario.getValue().keySet());
            peers.sort((a, b) -> Integer.compare(rank(a), rank(b)));
            for (String peer : peers) {
                List<JsonNode> list = scenario.getValue().get(peer);
                List<JsonNode> ok = list.stream().filter(r -> !r.has("failed")).toList();
                List<String> failures = list.stream().filter(r -> r.has("failed"))
                        .map(r -> r.get("failed").asText()).toList();
                Map<String, Double> medians = new LinkedHashMap<>();
                for (String metric : METRICS) {
                    List<Double> values = new ArrayList<>();
                    for (JsonNode r : ok) {
                        JsonNode v = r.get(metric);
                        if (v != null && v.isNumber()) {
                            values.add(v.asDouble());
                        }
                    }
                    if (!values.isEmpty()) {
                        medians.put(metric, median(values));
                    }
                }
                byPeer.put(peer, new Cell(scenario.getKey(), peer, ok.size(), failures.size(), medians, failures));
            }
            if (!byPeer.isEmpty()) {
                cells.put(scenario.getKey(), byPeer);
            }
        }
        return cells;
    }

    static int rank(String peer) {
        int i = PEER_ORDER.indexOf(peer);
        return i < 0 ? PEER_ORDER.size() : i;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static Double ratio(Map<String, Cell> row, String peer, String base, String metric) {
        Cell a = row.get(peer);
        Cell b = row.get(base);
        if (a == null || b == null || a.get(metric) == null || b.get(metric) == null || b.get(metric) == 0) {
            return null;
        }
        return a.get(metric) / b.get(metric);
    }

    static String csv(Map<String, Map<String, Cell>> cells) {
        StringBuilder sb = new StringBuilder("scenario,peer,runs,failed");
        for (String m : METRICS) {
            sb.append(',').append(m);
        }
        sb.append(",cpuPerOpVsNode,cpuPerOpVsCeiling\n");
        for (var row : cells.values()) {
            for (Cell c : row.values()) {
                sb.append(c.scenario()).append(',').append(c.peer()).append(',').append(c.runs()).append(',')
                        .append(c.failed());
                for (String m : METRICS) {
                    sb.append(',').append(c.get(m) == null ? "" : num(c.get(m)));
                }
                Double vn = ratio(row, c.peer(), NODE, "serverCpuUsPerOp");
                Double vc = ratio(row, c.peer(), CEILING, "serverCpuUsPerOp");
                sb.append(',').append(vn == null ? "" : fmt(vn, 3)).append(',').append(vc == null ? "" : fmt(vc, 3))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    static String json(ObjectMapper mapper, Map<String, Map<String, Cell>> cells) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        for (var row : cells.entrySet()) {
            ObjectNode scenario = root.putObject(row.getKey());
            for (Cell c : row.getValue().values()) {
                ObjectNode p = scenario.putObject(c.peer());
                p.put("runs", c.runs());
                p.put("failed", c.failed());
                c.median().forEach(p::put);
                Double vn = ratio(row.getValue(), c.peer(), NODE, "serverCpuUsPerOp");
                Double vc = ratio(row.getValue(), c.peer(), CEILING, "serverCpuUsPerOp");
                if (vn != null) {
                    p.put("cpuPerOpVsNode", vn);
                }
                if (vc != null) {
                    p.put("cpuPerOpVsCeiling", vc);
                }
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    static String markdown(Map<String, Map<String, Cell>> cells) {
        StringBuilder sb = new StringBuilder();
        for (var entry : cells.entrySet()) {
            String scenario = entry.getKey();
            Map<String, Cell> row = entry.getValue();
            sb.append("#### ").append(SCENARIOS.getOrDefault(scenario, scenario)).append("\n\n");
            if (scenario.startsWith("s7")) {
                clusterTable(sb, row);
            } else if (scenario.equals(FootprintTable.SCENARIO)) {
                FootprintTable.table(sb, row);
            } else if (scenario.startsWith("s4")) {
                sb.append("| peer | runs | connects/s | vs Node | server CPU µs/connect | user | sys | vs Node | "
                        + "connect p50 ms | p99 ms | RSS KB/conn | live heap B/conn | driver CPU % |\n");
                sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
                for (Cell c : row.values()) {
                    sb.append("| ").append(c.peer()).append(" | ").append(runs(c)).append(" | ")
                            .append(v(c, "connectsPerSec", 0)).append(" | ")
                            .append(x(ratio(row, c.peer(), NODE, "connectsPerSec"))).append(" | ")
                            .append(v(c, "serverCpuUsPerOp", 1)).append(" | ")
                            .append(v(c, "serverUserUsPerOp", 1)).append(" | ")
                            .append(v(c, "serverSysUsPerOp", 1)).append(" | ")
                            .append(x(ratio(row, c.peer(), NODE, "serverCpuUsPerOp"))).append(" | ")
                            .append(scaled(c, "latP50Us", 1e-3, 1)).append(" | ")
                            .append(scaled(c, "latP99Us", 1e-3, 1)).append(" | ")
                            .append(scaled(c, "rssPerConnBytes", 1.0 / 1024, 1)).append(" | ")
                            .append(v(c, "liveHeapPerConnBytes", 0)).append(" | ")
                            .append(v(c, "driverCpuPct", 0)).append(" |\n");
                }
            } else {
                String unit = scenario.startsWith("s3") ? "delivery" : "ack";
                sb.append("| peer | runs | ").append(unit).append("s/s | server CPU µs/").append(unit)
                        .append(" | user | sys | vs Node | vs ceiling | p50 µs | p99 µs | p99.9 µs | server CPU % "
                                + "| driver CPU % |");
                if (scenario.startsWith("s3")) {
                    sb.append(" delivered |");
                }
                sb.append('\n');
                sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|").append(scenario.startsWith("s3")
                        ? "---|\n" : "\n");
                for (Cell c : row.values()) {
                    sb.append("| ").append(c.peer()).append(" | ").append(runs(c)).append(" | ")
                            .append(v(c, "opsPerSec", 0)).append(" | ")
                            .append(v(c, "serverCpuUsPerOp", 2)).append(" | ")
                            .append(v(c, "serverUserUsPerOp", 2)).append(" | ")
                            .append(v(c, "serverSysUsPerOp", 2)).append(" | ")
                            .append(x(ratio(row, c.peer(), NODE, "serverCpuUsPerOp"))).append(" | ")
                            .append(x(ratio(row, c.peer(), CEILING, "serverCpuUsPerOp"))).append(" | ")
                            .append(v(c, "latP50Us", 0)).append(" | ")
                            .append(v(c, "latP99Us", 0)).append(" | ")
                            .append(v(c, "latP999Us", 0)).append(" | ")
                            .append(v(c, "serverCpuPct", 0)).append(" | ")
                            .append(v(c, "driverCpuPct", 0)).append(" |");
                    if (scenario.startsWith("s3")) {
                        sb.append(' ').append(c.get("deliveryRatio") == null ? "–"
                                : fmt(100 * c.get("deliveryRatio"), 1) + " %").append(" |");
                    }
                    sb.append('\n');
                }
            }
            for (Cell c : row.values()) {
                for (String f : c.failures()) {
                    sb.append("\n- ").append(c.peer()).append(" failed a run: `").append(f).append('`');
                }
            }
            sb.append("\n\n");
        }
        sb.append(targets(cells));
        return sb.toString();
    }

    /** The cluster fan-out: CPU of both nodes together, Redis apart, and latency of the deliveries that crossed nodes. */
    private static void clusterTable(StringBuilder sb, Map<String, Cell> row) {
        sb.append("| peer | runs | deliveries/s | server CPU µs/delivery (2 nodes) | user | sys | vs Node | p50 µs "
                + "| p99 µs | cross-node p50 µs | cross-node p99 µs | Redis µs/delivery | server CPU % | driver CPU % "
                + "| delivered |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : row.values()) {
            sb.append("| ").append(c.peer()).append(" | ").append(runs(c)).append(" | ")
                    .append(v(c, "opsPerSec", 0)).append(" | ")
                    .append(v(c, "serverCpuUsPerOp", 2)).append(" | ")
                    .append(v(c, "serverUserUsPerOp", 2)).append(" | ")
                    .append(v(c, "serverSysUsPerOp", 2)).append(" | ")
                    .append(x(ratio(row, c.peer(), NODE, "serverCpuUsPerOp"))).append(" | ")
                    .append(v(c, "latP50Us", 0)).append(" | ")
                    .append(v(c, "latP99Us", 0)).append(" | ")
                    .append(v(c, "latRemoteP50Us", 0)).append(" | ")
                    .append(v(c, "latRemoteP99Us", 0)).append(" | ")
                    .append(v(c, "redisCpuUsPerOp", 3)).append(" | ")
                    .append(v(c, "serverCpuPct", 0)).append(" | ")
                    .append(v(c, "driverCpuPct", 0)).append(" | ")
                    .append(c.get("deliveryRatio") == null ? "–" : fmt(100 * c.get("deliveryRatio"), 1) + " %")
                    .append(" |\n");
        }
        sb.append("\nRatios of Windsock to Node in this run: CPU per delivery ")
                .append(x(ratio(row, WINDSOCK, NODE, "serverCpuUsPerOp"))).append(", p50 ")
                .append(x(ratio(row, WINDSOCK, NODE, "latP50Us"))).append(", p99 ")
                .append(x(ratio(row, WINDSOCK, NODE, "latP99Us"))).append(", cross-node p99 ")
                .append(x(ratio(row, WINDSOCK, NODE, "latRemoteP99Us"))).append(".\n");
    }

    static String targets(Map<String, Map<String, Cell>> cells) {
        StringBuilder sb = new StringBuilder("#### Targets (Windsock, medians of this run)\n\n");
        sb.append("| scenario | target | measured | verdict |\n|---|---|---|---|\n");
        // The goals of the speed issue: the defaults against Node, handlers on the network thread
        // against the plain Netty echo, latency no worse than Node's where the issue says so.
        target(sb, cells, "s2-echo-20k", "defaults: server CPU per ack ≤ 0.6× Node socket.io",
                row -> ratio(row, WINDSOCK, NODE, "serverCpuUsPerOp"), 0.6, true);
        target(sb, cells, "s2-echo-20k", "inline handlers: server CPU per ack ≤ 1.1× plain Netty echo",
                row -> ratio(row, "windsock-inline", CEILING, "serverCpuUsPerOp"), 1.1, true);
        for (String fanout : new String[] {"s3-fanout-1k", "s3-fanout-10k"}) {
            target(sb, cells, fanout, "CPU per delivery ≤ 0.6× Node",
                    row -> ratio(row, WINDSOCK, NODE, "serverCpuUsPerOp"), 0.6, true);
            target(sb, cells, fanout, "delivery p50 ≤ Node's",
                    row -> ratio(row, WINDSOCK, NODE, "latP50Us"), 1.0, true);
            target(sb, cells, fanout, "delivery p99 ≤ Node's",
                    row -> ratio(row, WINDSOCK, NODE, "latP99Us"), 1.0, true);
        }
        target(sb, cells, "s4-storm-10k", "live heap per idle connection ≤ 3 KB (3,072 B)",
                row -> row.containsKey(WINDSOCK) ? row.get(WINDSOCK).get("liveHeapPerConnBytes") : null, 3072, true);
        target(sb, cells, "s4-storm-10k", "connects/s ≥ 1.5× Node",
                row -> ratio(row, WINDSOCK, NODE, "connectsPerSec"), 1.5, false);
        target(sb, cells, "s4-storm-10k", "connect p99 ≤ Node's",
                row -> ratio(row, WINDSOCK, NODE, "latP99Us"), 1.0, true);
        target(sb, cells, "s5-polling-echo", "server CPU per ack ≤ 0.6× Node",
                row -> ratio(row, WINDSOCK, NODE, "serverCpuUsPerOp"), 0.6, true);
        for (String[] pair : new String[][] {{"s6-echo-v3-ws", "s6-echo-v4-ws"}, {"s6-echo-v09-ws", "s6-echo-v4-ws"},
                {"s6-polling-v3", "s6-polling-v4"}, {"s6-polling-v09", "s6-polling-v4"}}) {
            target(sb, cells, pair[0], "server CPU per ack ≤ 1.0× Windsock's v4 on the same transport (" + pair[1] + ")",
                    row -> perOpOf(row, cells.get(pair[1])), 1.0, true);
        }
        target(sb, cells, "s8-mixed-200", "events/s ≥ 1.5× Node",
                row -> ratio(row, WINDSOCK, NODE, "opsPerSec"), 1.5, false);
        target(sb, cells, "s8b-mixed-200-newconn", "events/s ≥ 1.5× Node",
                row -> ratio(row, WINDSOCK, NODE, "opsPerSec"), 1.5, false);
        target(sb, cells, "s8j-mixed-200", "events/s ≥ 1.5× Node",
                row -> ratio(row, WINDSOCK, NODE, "opsPerSec"), 1.5, false);
        FootprintTable.targets(sb, cells);
        return sb.append('\n').toString();
    }

    /** Windsock's server CPU per op in {@code row} over that in {@code base}, or null. */
    private static Double perOpOf(Map<String, Cell> row, Map<String, Cell> base) {
        if (base == null || !row.containsKey(WINDSOCK) || !base.containsKey(WINDSOCK)) {
            return null;
        }
        Double a = row.get(WINDSOCK).get("serverCpuUsPerOp");
        Double b = base.get(WINDSOCK).get("serverCpuUsPerOp");
        return a == null || b == null || b == 0 ? null : a / b;
    }

    private static void target(StringBuilder sb, Map<String, Map<String, Cell>> cells, String scenario, String what,
                               Function<Map<String, Cell>, Double> measure, double limit, boolean atMost) {
        Map<String, Cell> row = cells.get(scenario);
        Double value = row == null ? null : measure.apply(row);
        String shown = value == null ? "not measured" : what.contains("B)") ? fmt(value, 0) + " B" : fmt(value, 2) + "×";
        String verdict = value == null ? "–" : (atMost ? value <= limit : value >= limit) ? "**met**" : "**missed**";
        sb.append("| ").append(scenario).append(" | ").append(what).append(" | ").append(shown).append(" | ")
                .append(verdict).append(" |\n");
    }

    private static String runs(Cell c) {
        return c.failed() == 0 ? Integer.toString(c.runs()) : c.runs() + " (+" + c.failed() + " failed)";
    }

    private static String v(Cell c, String metric, int decimals) {
        Double d = c.get(metric);
        return d == null ? "–" : fmt(d, decimals);
    }

    private static String scaled(Cell c, String metric, double factor, int decimals) {
        Double d = c.get(metric);
        return d == null ? "–" : fmt(d * factor, decimals);
    }

    private static String x(Double ratio) {
        return ratio == null ? "–" : fmt(ratio, 2) + "×";
    }

    static String fmt(double v, int decimals) {
        if (decimals == 0) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
